/** Locale-aware number and date formatting, built once per locale. */
export interface Formatters {
  number(n: number): string;
  compact(n: number): string;
  /** 0.123 → "12.3%". */
  percent(ratio: number): string;
  /** Signed change, 0.05 → "+5.0%". */
  change(ratio: number): string;
  currency(n: number, code: string): string;
  /** `YYYY-MM-DD` → a short local date (no timezone shift). */
  day(isoDate: string): string;
  /** Epoch ms or an ISO timestamp → local date and time. */
  dateTime(at: number | string): string;
  duration(seconds: number): string;
}

export function makeFormatters(locale: string): Formatters {
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  const pct = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const signed = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const day = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const currencies = new Map<string, Intl.NumberFormat>();
  return {
    number: (n) => num.format(n),
    compact: (n) => compact.format(n),
    percent: (r) => pct.format(r),
    change: (r) => signed.format(r),
    currency: (n, code) => {
      let f = currencies.get(code);
      if (!f) {
        try {
          f = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
        } catch {
          f = num; // An unknown currency code still shows the amount.
        }
        currencies.set(code, f);
      }
      return f.format(n);
    },
    day: (iso) => {
      const ms = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
      return Number.isNaN(ms) ? iso : day.format(ms);
    },
    dateTime: (at) => {
      const d = new Date(at);
      return Number.isNaN(d.getTime()) ? String(at) : dateTime.format(d);
    },
    duration: (s) => {
      if (s < 60) return `${num.format(Math.round(s))} s`;
      if (s < 3600) return `${num.format(Math.round(s / 60))} min`;
      if (s < 86_400) return `${num.format(Math.round((s / 3600) * 10) / 10)} h`;
      return `${num.format(Math.round((s / 86_400) * 10) / 10)} d`;
    },
  };
}
