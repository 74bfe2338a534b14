/**
 * The demo shop "Linen & Leaf": a lifestyle store with articles, videos and
 * communities. Static tables only; the simulation draws from them.
 */
export const DEMO_SITE = 'https://linenleaf.example.com';

export interface DemoDevice {
  readonly weight: number;
  readonly os: string;
  /** null for the native app, which has no browser. */
  readonly browser: string | null;
  readonly deviceType: 'mobile' | 'tablet' | 'desktop';
  readonly app: boolean;
}

/** Mobile-heavy, with WeChat's in-app browser as a browser of its own. */
export const DEMO_DEVICES: readonly DemoDevice[] = [
  { weight: 16, os: 'iOS', browser: null, deviceType: 'mobile', app: true },
  { weight: 14, os: 'iOS', browser: 'WeChat', deviceType: 'mobile', app: false },
  { weight: 10, os: 'iOS', browser: 'Mobile Safari', deviceType: 'mobile', app: false },
  { weight: 14, os: 'Android', browser: null, deviceType: 'mobile', app: true },
  { weight: 12, os: 'Android', browser: 'WeChat', deviceType: 'mobile', app: false },
  { weight: 6, os: 'Android', browser: 'Chrome', deviceType: 'mobile', app: false },
  { weight: 4, os: 'Android', browser: 'Huawei Browser', deviceType: 'mobile', app: false },
  { weight: 3, os: 'Android', browser: 'UC Browser', deviceType: 'mobile', app: false },
  { weight: 3, os: 'iPadOS', browser: 'Mobile Safari', deviceType: 'tablet', app: false },
  { weight: 8, os: 'Windows', browser: 'Chrome', deviceType: 'desktop', app: false },
  { weight: 3, os: 'Windows', browser: 'Edge', deviceType: 'desktop', app: false },
  { weight: 4, os: 'Mac OS X', browser: 'Safari', deviceType: 'desktop', app: false },
  { weight: 2, os: 'Mac OS X', browser: 'Chrome', deviceType: 'desktop', app: false },
  { weight: 1, os: 'Linux', browser: 'Firefox', deviceType: 'desktop', app: false },
];

export interface DemoCity {
  readonly weight: number;
  readonly name: string;
  readonly country: string;
}

export const DEMO_CITIES: readonly DemoCity[] = [
  { weight: 14, name: 'Shanghai', country: 'CN' },
  { weight: 12, name: 'Beijing', country: 'CN' },
  { weight: 9, name: 'Shenzhen', country: 'CN' },
  { weight: 8, name: 'Guangzhou', country: 'CN' },
  { weight: 8, name: 'Hangzhou', country: 'CN' },
  { weight: 7, name: 'Chengdu', country: 'CN' },
  { weight: 5, name: 'Wuhan', country: 'CN' },
  { weight: 5, name: 'Nanjing', country: 'CN' },
  { weight: 4, name: "Xi'an", country: 'CN' },
  { weight: 4, name: 'Chongqing', country: 'CN' },
  { weight: 4, name: 'Suzhou', country: 'CN' },
  { weight: 3, name: 'Changsha', country: 'CN' },
  { weight: 3, name: 'Xiamen', country: 'CN' },
  { weight: 3, name: 'Tianjin', country: 'CN' },
  { weight: 2, name: 'Hong Kong', country: 'HK' },
  { weight: 1.5, name: 'Taipei', country: 'TW' },
  { weight: 1.5, name: 'Singapore', country: 'SG' },
  { weight: 1, name: 'Tokyo', country: 'JP' },
  { weight: 1, name: 'London', country: 'GB' },
  { weight: 1, name: 'San Francisco', country: 'US' },
  { weight: 0.8, name: 'Sydney', country: 'AU' },
  { weight: 0.7, name: 'Toronto', country: 'CA' },
];

/** Relative traffic by local hour: quiet nights, a lunch bump, an evening peak. */
export const HOUR_WEIGHTS: readonly number[] = [
  1.2, 0.6, 0.35, 0.25, 0.2, 0.3, 0.8, 1.8, 2.6, 2.8, 2.9, 3.2, 4.0, 3.6, 2.9, 2.8, 2.9, 3.1, 3.3,
  4.0, 4.8, 5.0, 4.0, 2.4,
];

/** Relative traffic by local weekday, Sunday first (as `Date#getUTCDay`). */
export const WEEKDAY_WEIGHTS: readonly number[] = [0.8, 1.0, 1.03, 1.0, 0.98, 0.93, 0.74];

const topics = ['coffee', 'camping', 'skincare', 'home', 'fitness', 'fashion', 'food', 'travel'];

export interface DemoContent {
  readonly id: string;
  readonly type: 'article' | 'video';
  readonly topic: string;
  readonly path: string;
}

/** 300 pieces of content, most-popular first (drawn with a Zipf-like weight). */
export const DEMO_CONTENT: readonly DemoContent[] = Array.from({ length: 300 }, (_, i) => {
  const type = i % 10 < 7 ? 'article' : 'video';
  const id = `${type === 'article' ? 'a' : 'v'}_${String(i + 1).padStart(4, '0')}`;
  return {
    id,
    type,
    topic: topics[i % topics.length] as string,
    path: `/${type === 'article' ? 'articles' : 'videos'}/${id}`,
  };
});

export interface DemoProduct {
  readonly id: string;
  readonly category: string;
  /** Price in the project's currency unit (yuan for CNY). */
  readonly price: number;
  readonly path: string;
}

const categories = ['home', 'coffee', 'outdoor', 'beauty', 'apparel'];
const basePrices = [39, 59, 89, 129, 168, 199, 259, 329, 499, 899, 1299];

export const DEMO_PRODUCTS: readonly DemoProduct[] = Array.from({ length: 80 }, (_, i) => {
  const id = `p_${String(i + 1).padStart(3, '0')}`;
  return {
    id,
    category: categories[i % categories.length] as string,
    price: basePrices[(i * 7) % basePrices.length] as number,
    path: `/products/${id}`,
  };
});

export interface DemoCommunity {
  readonly key: string;
  readonly name: string;
  readonly topic: string;
  readonly weight: number;
}

export const DEMO_COMMUNITIES: readonly DemoCommunity[] = [
  { key: 'c_coffee_lab', name: 'Coffee Lab', topic: 'coffee', weight: 9 },
  { key: 'c_weekend_campers', name: 'Weekend Campers', topic: 'camping', weight: 8 },
  { key: 'c_city_runners', name: 'City Runners', topic: 'fitness', weight: 6 },
  { key: 'c_slow_yoga', name: 'Slow Yoga', topic: 'fitness', weight: 5 },
  { key: 'c_home_makers', name: 'Home Makers', topic: 'home', weight: 7 },
  { key: 'c_skin_notes', name: 'Skin Notes', topic: 'skincare', weight: 7 },
  { key: 'c_citywalk', name: 'Citywalk Club', topic: 'travel', weight: 5 },
  { key: 'c_foodies', name: 'Foodies', topic: 'food', weight: 6 },
  { key: 'c_plant_parents', name: 'Plant Parents', topic: 'home', weight: 3 },
  { key: 'c_book_club', name: 'Book Club', topic: 'culture', weight: 2 },
];

/** Surnames and given names, with pinyin for email addresses (example.com, never real). */
export const SURNAMES: readonly (readonly [string, string])[] = [
  ['王', 'wang'],
  ['李', 'li'],
  ['张', 'zhang'],
  ['刘', 'liu'],
  ['陈', 'chen'],
  ['杨', 'yang'],
  ['赵', 'zhao'],
  ['黄', 'huang'],
  ['周', 'zhou'],
  ['吴', 'wu'],
  ['徐', 'xu'],
  ['林', 'lin'],
];
export const GIVEN_NAMES: readonly (readonly [string, string])[] = [
  ['芳', 'fang'],
  ['伟', 'wei'],
  ['静', 'jing'],
  ['磊', 'lei'],
  ['敏', 'min'],
  ['婷', 'ting'],
  ['洋', 'yang'],
  ['欣怡', 'xinyi'],
  ['子涵', 'zihan'],
  ['浩然', 'haoran'],
  ['雨桐', 'yutong'],
  ['思远', 'siyuan'],
  ['嘉怡', 'jiayi'],
  ['晨', 'chen'],
];

export const SIGNUP_METHODS: readonly string[] = ['wechat', 'wechat', 'phone', 'phone', 'email'];
export const SHARE_TARGETS: readonly string[] = [
  'wechat',
  'wechat',
  'wechat_moments',
  'weibo',
  'xiaohongshu',
  'copy_link',
];
export const INVITE_MEDIA: readonly string[] = ['wechat', 'wechat', 'qrcode', 'link'];
