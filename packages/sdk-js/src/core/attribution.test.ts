import assert from 'node:assert/strict';
import { test } from 'node:test';
import { campaignParams, initialTouch, referralCode, referringDomain } from './attribution.js';

test('campaignParams reads the five UTM parameters and skips empty ones', () => {
  const url =
    'https://shop.example/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_content=&utm_term=shoes&x=1';
  assert.deepEqual(campaignParams(url), {
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: 'spring sale',
    utm_term: 'shoes',
  });
  assert.deepEqual(campaignParams('https://shop.example/'), {});
  assert.deepEqual(campaignParams('not a url'), {});
});

test('referralCode takes the first configured parameter that is present', () => {
  assert.equal(referralCode('https://a.example/?ref=ALICE', ['ref', 'invite']), 'ALICE');
  assert.equal(referralCode('https://a.example/?invite=%20BOB%20', ['ref', 'invite']), 'BOB');
  assert.equal(referralCode('https://a.example/?ref=&invite=CAROL', ['ref', 'invite']), 'CAROL');
  assert.equal(referralCode('https://a.example/?code=X', ['ref', 'invite']), null);
  assert.equal(referralCode('https://a.example/?code=X', ['code']), 'X');
  assert.equal(
    referralCode(`https://a.example/?ref=${'x'.repeat(201)}`, ['ref']),
    null,
    'too long',
  );
  assert.equal(referralCode('::', ['ref']), null);
});

test('referringDomain is the host, or $direct', () => {
  assert.equal(referringDomain('https://www.google.com/search?q=x'), 'www.google.com');
  assert.equal(referringDomain('http://localhost:3000/a'), 'localhost:3000');
  assert.equal(referringDomain(''), '$direct');
  assert.equal(referringDomain('garbage'), '$direct');
});

test('initialTouch names first-touch properties $initial_*', () => {
  assert.deepEqual(
    initialTouch('https://shop.example/?utm_source=ads&utm_campaign=c1', 'https://news.example/a'),
    {
      $initial_utm_source: 'ads',
      $initial_utm_campaign: 'c1',
      $initial_referrer: 'https://news.example/a',
      $initial_referring_domain: 'news.example',
      $initial_current_url: 'https://shop.example/?utm_source=ads&utm_campaign=c1',
    },
  );
  assert.deepEqual(initialTouch('https://shop.example/', ''), {
    $initial_referrer: '$direct',
    $initial_referring_domain: '$direct',
    $initial_current_url: 'https://shop.example/',
  });
});
