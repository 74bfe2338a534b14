/**
 * Where the demo shop's visitors come from, and how good each source is.
 * Quality numbers are multipliers the simulation applies: the Chinese social
 * platforms, search and paid traffic deliberately differ so that channel
 * reports have something to say.
 */
export interface DemoChannel {
  readonly key: string;
  /** Share of organic arrivals (relative). The referral channel only arrives through invites. */
  readonly weight: number;
  readonly referrers: readonly (string | null)[];
  readonly utmSource: readonly (string | null)[];
  readonly utmMedium: string | null;
  readonly utmCampaign: string | null;
  /** Probability of signing up in the first session. */
  readonly signup: number;
  /** Scales how often a person comes back. */
  readonly engagement: number;
  /** Scales purchase propensity and basket size. */
  readonly buy: number;
  readonly basket: number;
  /** Scales content viewing and sharing. */
  readonly content: number;
}

const searchTerms = ['生活方式', '手冲咖啡', '露营装备', '瑜伽垫', '香薰', '亚麻床品'];
const baiduReferrers = searchTerms.map(
  (t) => `https://www.baidu.com/s?wd=${encodeURIComponent(t)}`,
);

export const DEMO_CHANNELS: readonly DemoChannel[] = [
  {
    key: 'wechat',
    weight: 18,
    referrers: ['https://mp.weixin.qq.com/', 'https://open.weixin.qq.com/'],
    utmSource: ['wechat'],
    utmMedium: 'social',
    utmCampaign: null,
    signup: 0.3,
    engagement: 0.95,
    buy: 1.0,
    basket: 1.0,
    content: 1.0,
  },
  {
    key: 'weibo',
    weight: 8,
    referrers: ['https://weibo.com/', 'https://m.weibo.cn/'],
    utmSource: ['weibo'],
    utmMedium: 'social',
    utmCampaign: null,
    signup: 0.14,
    engagement: 0.45,
    buy: 0.55,
    basket: 0.8,
    content: 1.1,
  },
  {
    key: 'xiaohongshu',
    weight: 12,
    referrers: ['https://www.xiaohongshu.com/', 'https://xhslink.com/'],
    utmSource: ['xiaohongshu'],
    utmMedium: 'social',
    utmCampaign: null,
    signup: 0.32,
    engagement: 0.75,
    buy: 1.6,
    basket: 1.3,
    content: 1.2,
  },
  {
    key: 'douyin',
    weight: 16,
    referrers: ['https://www.douyin.com/', 'https://v.douyin.com/'],
    utmSource: ['douyin'],
    utmMedium: 'video',
    utmCampaign: null,
    signup: 0.17,
    engagement: 0.4,
    buy: 0.8,
    basket: 0.7,
    content: 1.4,
  },
  {
    key: 'bilibili',
    weight: 7,
    referrers: ['https://www.bilibili.com/', 'https://b23.tv/'],
    utmSource: ['bilibili'],
    utmMedium: 'video',
    utmCampaign: null,
    signup: 0.25,
    engagement: 1.0,
    buy: 0.7,
    basket: 0.9,
    content: 1.8,
  },
  {
    key: 'baidu',
    weight: 10,
    referrers: baiduReferrers,
    utmSource: [null],
    utmMedium: null,
    utmCampaign: null,
    signup: 0.22,
    engagement: 0.6,
    buy: 1.0,
    basket: 1.0,
    content: 0.8,
  },
  {
    key: 'google',
    weight: 4,
    referrers: ['https://www.google.com/'],
    utmSource: [null],
    utmMedium: null,
    utmCampaign: null,
    signup: 0.2,
    engagement: 0.6,
    buy: 1.1,
    basket: 1.5,
    content: 0.9,
  },
  {
    key: 'direct',
    weight: 12,
    referrers: [null],
    utmSource: [null],
    utmMedium: null,
    utmCampaign: null,
    signup: 0.35,
    engagement: 1.0,
    buy: 1.2,
    basket: 1.1,
    content: 0.9,
  },
  {
    key: 'paid',
    weight: 9,
    referrers: ['https://www.baidu.com/', 'https://www.toutiao.com/', 'https://www.google.com/'],
    utmSource: ['baidu', 'toutiao', 'google'],
    utmMedium: 'cpc',
    utmCampaign: 'always_on_search',
    signup: 0.12,
    engagement: 0.35,
    buy: 0.9,
    basket: 0.9,
    content: 0.6,
  },
  {
    key: 'email',
    weight: 2,
    referrers: [null],
    utmSource: ['newsletter'],
    utmMedium: 'email',
    utmCampaign: 'weekly_digest',
    signup: 0.4,
    engagement: 1.1,
    buy: 1.4,
    basket: 1.2,
    content: 1.0,
  },
  {
    key: 'referral',
    weight: 0,
    referrers: ['https://mp.weixin.qq.com/', null],
    utmSource: [null],
    utmMedium: null,
    utmCampaign: null,
    signup: 0.45,
    engagement: 1.0,
    buy: 1.1,
    basket: 1.0,
    content: 1.0,
  },
];

export const REFERRAL_CHANNEL = DEMO_CHANNELS.findIndex((c) => c.key === 'referral');
export const EMAIL_CHANNEL = DEMO_CHANNELS.findIndex((c) => c.key === 'email');

/** Channels a campaign's tagged traffic arrives through, with their relative weights. */
export const CAMPAIGN_CHANNEL_MIX: readonly { readonly key: string; readonly weight: number }[] = [
  { key: 'wechat', weight: 25 },
  { key: 'weibo', weight: 15 },
  { key: 'xiaohongshu', weight: 20 },
  { key: 'douyin', weight: 20 },
  { key: 'paid', weight: 10 },
  { key: 'email', weight: 10 },
];
