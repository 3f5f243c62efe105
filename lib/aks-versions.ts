/**
 * The AKS Kubernetes version calendar as data, and the rules that follow from
 * it: a version past its end of life is refused (AKS does not create clusters
 * on a removed version), a version with under 90 days of support left is a
 * warning, and long-term support (LTS) needs the Premium tier with the
 * `AKSLongTermSupport` support plan.
 *
 * Every rule reads the date through a {@link Clock}, so the tests inject one
 * and never depend on today's date. The program passes the system clock.
 */
import { kubernetesMinorVersion, kubernetesVersionProblem } from './rules';

/** Where the calendar comes from, and when it was last checked against it. */
export const AKS_CALENDAR_SOURCE = {
  source: 'MicrosoftDocs/azure-aks-docs, articles/aks/supported-kubernetes-versions.md ("AKS Kubernetes release calendar"); LTS: articles/aks/long-term-support.md',
  checked: '2026-12-01',
} as const;

/** A clock: returns "now". The program passes `() => new Date()`; tests pass a fixed date. */
export type Clock = () => Date;

/** The system clock. */
export const systemClock: Clock = () => new Date();

/** One Kubernetes minor on AKS. Dates are UTC calendar days (`YYYY-MM-DD`). */
export interface AksMinorVersion {
  /** `MAJOR.MINOR`. */
  minor: string;
  /** AKS general availability (the calendar gives a month; the first day of it is recorded). */
  ga: string;
  /** Last day of AKS community support (the calendar's end-of-life month, its last day). */
  endOfLife: string;
  /**
   * Last day of long-term support: derived from long-term-support.md ("a
   * two-year period from the General Availability"): the last day of the GA
   * month two years on. Only with the Premium tier and `supportPlan: AKSLongTermSupport`.
   */
  ltsEnd: string;
}

/**
 * The calendar (source: {@link AKS_CALENDAR_SOURCE}, checked 2026-12-01).
 * Months from the calendar: 1.33 GA Jun 2025 / EOL Jul 2026; 1.34 Nov 2025 /
 * Nov 2026; 1.35 Mar 2026 / Mar 2027; 1.36 Jun 2026 / Jun 2027; 1.37 Oct 2026 /
 * Oct 2027. Upstream (kubernetes.io/releases) cross-check: 1.35 EOL
 * 2027-02-28, 1.36 EOL 2027-06-28, 1.37 EOL 2027-10-28 — AKS follows its own
 * calendar, which is what this table records.
 */
export const AKS_VERSION_CALENDAR: readonly AksMinorVersion[] = [
  { minor: '1.33', ga: '2025-06-01', endOfLife: '2026-07-31', ltsEnd: '2027-06-30' },
  { minor: '1.34', ga: '2025-11-01', endOfLife: '2026-11-30', ltsEnd: '2027-11-30' },
  { minor: '1.35', ga: '2026-03-01', endOfLife: '2027-03-31', ltsEnd: '2028-03-31' },
  { minor: '1.36', ga: '2026-06-01', endOfLife: '2027-06-30', ltsEnd: '2028-06-30' },
  { minor: '1.37', ga: '2026-10-01', endOfLife: '2027-10-31', ltsEnd: '2028-10-31' },
];

/** Days of support left below which the program warns. */
export const VERSION_WARNING_DAYS = 90;
/** Days before end of life at which the scheduled version check fails (.github/workflows/version-calendar.yml). */
export const VERSION_CHECK_FAIL_DAYS = 60;

/** AKS support plans. */
export const SUPPORT_PLANS = ['KubernetesOfficial', 'AKSLongTermSupport'] as const;
export type SupportPlan = (typeof SUPPORT_PLANS)[number];

/** What the version rules need besides the version. */
export interface VersionContext {
  /** Control-plane tier (`Free`, `Standard`, `Premium`). */
  tier: string;
  /** Support plan; default `KubernetesOfficial`. */
  supportPlan?: SupportPlan;
  /** The clock. */
  clock: Clock;
}

/** The outcome of the version rules: at most one problem (refused), any number of warnings. */
export interface VersionCheck {
  /** Why the version is refused, naming the value and what is allowed. */
  problem?: string;
  /** Why the version is accepted but needs attention soon. */
  warnings: string[];
  /** The calendar entry of the version's minor, when known. */
  entry?: AksMinorVersion;
  /** Days from today to the last supported day (community or LTS, whichever applies); undefined when unknown. */
  daysLeft?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** UTC midnight of a `YYYY-MM-DD` day, as a number of days since the epoch. */
function dayNumber(date: string | Date): number {
  const ms = typeof date === 'string' ? Date.parse(`${date}T00:00:00Z`) : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return Math.floor(ms / DAY_MS);
}

/** Whole days from `now` to the end of `lastDay` (0 on the last day itself, negative after it). */
export function daysUntil(lastDay: string, now: Date): number {
  return dayNumber(lastDay) - dayNumber(now);
}

/** The calendar entry of a version's minor (`1.36.2` → the 1.36 entry), or undefined. */
export function calendarEntry(version: string): AksMinorVersion | undefined {
  const minor = kubernetesMinorVersion(version);
  return AKS_VERSION_CALENDAR.find((entry) => entry.minor === minor);
}

/** The minors AKS supports on `now` (GA reached, end of life not passed), oldest first. */
export function supportedMinors(now: Date): string[] {
  return AKS_VERSION_CALENDAR.filter((e) => daysUntil(e.ga, now) <= 0 && daysUntil(e.endOfLife, now) >= 0).map((e) => e.minor);
}

function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Checks a Kubernetes version against the calendar on the clock's date:
 * - format `MAJOR.MINOR[.PATCH]`;
 * - `supportPlan: AKSLongTermSupport` needs `tier: Premium`;
 * - a minor not yet GA, or unknown to the calendar, is refused (with the supported minors);
 * - past community end of life: refused, unless LTS applies (Premium + AKSLongTermSupport, before the LTS end);
 * - fewer than {@link VERSION_WARNING_DAYS} days left: a warning.
 */
export function checkKubernetesVersion(version: string, context: VersionContext): VersionCheck {
  const formatProblem = kubernetesVersionProblem(version);
  if (formatProblem) return { problem: formatProblem, warnings: [] };
  const now = context.clock();
  const plan = context.supportPlan ?? 'KubernetesOfficial';
  const lts = plan === 'AKSLongTermSupport';
  const supported = supportedMinors(now);
  const allowed = `supported on ${today(now)}: ${supported.join(', ') || '(none in the calendar: update lib/aks-versions.ts)'}`;
  const entry = calendarEntry(version);
  if (!entry) {
    return { problem: `"${version}" is not in the AKS version calendar (lib/aks-versions.ts, from ${AKS_CALENDAR_SOURCE.source}, checked ${AKS_CALENDAR_SOURCE.checked}); ${allowed}`, warnings: [] };
  }
  if (daysUntil(entry.ga, now) > 0) {
    return { problem: `"${version}" is not generally available on AKS until ${entry.ga}; ${allowed}`, entry, warnings: [] };
  }
  const communityLeft = daysUntil(entry.endOfLife, now);
  if (communityLeft >= 0) {
    const warnings =
      communityLeft < VERSION_WARNING_DAYS
        ? [`Kubernetes ${entry.minor} reaches AKS end of life on ${entry.endOfLife} (${communityLeft} days left); upgrade to one of: ${supported.filter((m) => m > entry.minor).join(', ') || '(a newer minor)'}`]
        : [];
    return { entry, warnings, daysLeft: lts ? Math.max(communityLeft, daysUntil(entry.ltsEnd, now)) : communityLeft };
  }
  // Past community end of life: only long-term support keeps the version.
  const ltsLeft = daysUntil(entry.ltsEnd, now);
  if (lts && ltsLeft >= 0) {
    const warnings = ltsLeft < VERSION_WARNING_DAYS ? [`Kubernetes ${entry.minor} reaches the end of AKS long-term support on ${entry.ltsEnd} (${ltsLeft} days left); upgrade`] : [];
    return { entry, warnings, daysLeft: ltsLeft };
  }
  const ltsHint =
    ltsLeft >= 0
      ? `; it stays available until ${entry.ltsEnd} only with long-term support (cluster.tier: Premium and cluster.supportPlan: AKSLongTermSupport)`
      : '';
  return { problem: `"${version}" reached AKS end of life on ${entry.endOfLife}${ltsHint}; ${allowed}`, entry, warnings: [] };
}

/** The support plan rule on its own: AKSLongTermSupport needs the Premium tier. */
export function supportPlanProblem(tier: string, supportPlan: string | undefined): string | undefined {
  if (supportPlan === 'AKSLongTermSupport' && tier !== 'Premium') {
    return `"AKSLongTermSupport" needs cluster.tier Premium (tier is ${tier}); use supportPlan KubernetesOfficial or tier Premium`;
  }
  return undefined;
}
