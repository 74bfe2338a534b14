import { randomUUID } from 'node:crypto';

/**
 * Minimal answers for the PostHog SDKs' configuration and flag calls, so
 * posthog-js and posthog-node run unmodified while Opsloop has no feature
 * flags of its own yet: no flags, no surveys, no session recording.
 */

/** What `GET /array/{token}/config` answers (posthog-js's remote config). */
export function remoteConfig(token: string) {
  return {
    token,
    // Not advertising gzip keeps posthog-js on plain JSON (and base64 beacons): cheaper for the
    // edge's CPU than inflating every batch. gzip bodies are still accepted from any client.
    supportedCompression: [],
    hasFeatureFlags: false,
    captureDeadClicks: false,
    capturePerformance: false,
    // The client's own `autocapture` setting decides; the server does not force it off.
    autocapture_opt_out: false,
    autocaptureExceptions: false,
    elementsChainAsString: true,
    // Recordings, heatmaps, surveys and site apps have no backend here.
    sessionRecording: false,
    heatmaps: false,
    surveys: false,
    productTours: false,
    defaultIdentifiedOnly: true,
    siteApps: [],
  };
}

/**
 * What `GET /array/{token}/config.js` answers: the same config, installed
 * where posthog-js's loader looks for it.
 */
export function remoteConfigScript(token: string): string {
  const config = JSON.stringify({ config: remoteConfig(token), siteApps: [] });
  // JSON.stringify does not escape `</script>` or U+2028; tokens come from URLs, so do it here.
  const safe = config
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
  return `(function(){var w=window;w._POSTHOG_REMOTE_CONFIG=w._POSTHOG_REMOTE_CONFIG||{};w._POSTHOG_REMOTE_CONFIG[${JSON.stringify(token).replaceAll('<', '\\u003c')}]=${safe};})();\n`;
}

/** `POST /flags/?v=2` (posthog-js, posthog-node): the v2 format with no flags. */
export function flagsAnswer() {
  return {
    flags: {},
    errorsWhileComputingFlags: false,
    quotaLimited: [],
    requestId: randomUUID(),
  };
}

/** The legacy `/decide/` answer: the older flag fields plus the config it used to carry. */
export function decideAnswer() {
  return {
    ...flagsAnswer(),
    featureFlags: {},
    featureFlagPayloads: {},
    config: { enable_collect_everything: true },
    toolbarParams: {},
    isAuthenticated: false,
    supportedCompression: [],
    sessionRecording: false,
    surveys: false,
    siteApps: [],
  };
}
