import type { DemoUsers } from './demo-users.js';
import { PARTNERS, type PartnerSpec } from './partners.js';
import { seededRandom } from './seeded-random.js';

/** One Academy session as the Academy Sessions database shows it (pure data, no ids). */
export interface SessionSpec {
  number: number;
  title: string;
  topic: string;
  tags: string[];
  status: 'Planned' | 'Confirmed' | 'Done' | 'Cancelled';
  /** date-only range for multi-day bootcamps, date-times with offset and time zone otherwise. */
  date: { start: string; end: string | null; time_zone: string | null };
  /** Calendar day of the start, YYYY-MM-DD. */
  day: string;
  city: string;
  format: 'In person' | 'Online' | 'Hybrid';
  /** Partner keys; the first one is the main host. */
  hosts: string[];
  facilitators: Array<keyof DemoUsers>;
  participants: number | null;
  budget: number;
  satisfaction: number | null;
  recording: string | null;
  slides: 'notion' | 'external' | null;
  certificate: boolean;
  verification: 'verified' | 'expired' | null;
  summary: string | null;
}

/** Topics of the Academy curriculum with their tags. */
export const ACADEMY_TOPICS: Array<{ title: string; tags: string[]; days?: number }> = [
  { title: 'Testing your idea with ten conversations', tags: ['Idea', 'Customers'] },
  { title: 'Pricing your services', tags: ['Finance', 'Sales'] },
  { title: 'Microcredit: is it for me?', tags: ['Finance'] },
  { title: 'Registering a business as a non-EU citizen', tags: ['Legal'] },
  { title: 'Bookkeeping basics', tags: ['Finance', 'Legal'] },
  { title: 'Selling on Instagram and WhatsApp', tags: ['Marketing', 'Digital'] },
  { title: 'Writing a one-page business plan', tags: ['Idea', 'Finance'] },
  { title: 'Your first employee: contracts and payroll', tags: ['HR', 'Legal'] },
  { title: 'Pitching in your second language', tags: ['Sales', 'Communication'] },
  { title: 'Food businesses: permits and hygiene', tags: ['Legal', 'Food'] },
  { title: 'Building a website in an afternoon', tags: ['Digital', 'Marketing'] },
  { title: 'Negotiating with suppliers', tags: ['Sales'] },
  { title: 'Grant and competition applications', tags: ['Finance'] },
  { title: 'Weekend bootcamp: from idea to pitch', tags: ['Idea', 'Sales'], days: 2 },
  { title: 'Wellbeing and resilience for founders', tags: ['Wellbeing'] },
];

export const ACADEMY_TAGS = ['Idea', 'Customers', 'Finance', 'Sales', 'Legal', 'Marketing', 'Digital', 'HR', 'Communication', 'Food', 'Wellbeing'];
export const ACADEMY_CITIES = [...PARTNERS.map((p) => p.city), 'Online'];

/** "Today" for the demo: sessions before it are done, the next month is confirmed, later ones planned. */
export const DEMO_TODAY = '2025-11-20';
export const ACADEMY_SESSION_COUNT = 112;

const SUMMARIES = [
  'Participants brought their own price lists; by the end everyone had raised at least one price and could explain why.',
  'Two participants found out that their residence permit already allows self-employment. The permit flowchart from Module 3 saved a lot of time.',
  'Lively session. The peer case (a catering start-up) got twelve concrete suggestions; the founder will report back in the next circle.',
  'Low attendance because of the public-transport strike; we recorded the session and shared it in the cohort chat.',
  'The microcredit officer from the local lender joined for the last hour and booked five follow-up appointments on the spot.',
  'We tried the new breakout scripts for the first time. Groups of three worked better than groups of five.',
];

/** Last Sunday of a month, as a day of the month. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/** Whether EU summer time is in force on a calendar day (close enough for session start times). */
export function isEuSummerTime(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const start = Date.UTC(y, 2, lastSunday(y, 2));
  const end = Date.UTC(y, 9, lastSunday(y, 9));
  const t = Date.UTC(y, m - 1, d);
  return t >= start && t < end;
}

function localTime(day: string, hhmm: string, partner: PartnerSpec): string {
  const offset = partner.utcOffset[isEuSummerTime(day) ? 1 : 0];
  return `${day}T${hhmm}:00.000+${String(offset).padStart(2, '0')}:00`;
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The Academy sessions from February 2024 on, generated from a fixed seed: topics rotate,
 * hosts rotate over the partners active at the time, every third session is online and
 * co-hosted by the coordinator.
 */
export function academySessions(): SessionSpec[] {
  const rng = seededRandom('magnet-academy-sessions');
  const sessions: SessionSpec[] = [];
  const coordinator = PARTNERS.find((p) => p.role === 'Coordinator')!;
  let day = '2024-02-06';
  for (let n = 1; n <= ACADEMY_SESSION_COUNT; n++) {
    const topic = ACADEMY_TOPICS[(n * 7) % ACADEMY_TOPICS.length]!;
    const active = PARTNERS.filter((p) => p.active || day < '2025-10-01');
    const host = active[(n - 1) % active.length]!;
    const online = n % 3 === 0 && !topic.days;
    const format = online ? 'Online' : n % 5 === 0 ? 'Hybrid' : 'In person';
    const hosts = online && host.key !== coordinator.key ? [host.key, coordinator.key] : [host.key];
    const timePartner = online ? coordinator : host;
    const date = topic.days
      ? { start: day, end: addDays(day, topic.days - 1), time_zone: null }
      : {
          start: localTime(day, online ? '18:00' : '17:30', timePartner),
          end: localTime(day, online ? '19:30' : '20:00', timePartner),
          time_zone: timePartner.timeZone,
        };
    const past = day < DEMO_TODAY;
    const cancelled = past && rng.chance(0.05);
    const status = cancelled ? 'Cancelled' : past ? 'Done' : day < addDays(DEMO_TODAY, 30) ? 'Confirmed' : 'Planned';
    const done = status === 'Done';
    const participants = done ? rng.int(5, 24) : status === 'Cancelled' ? 0 : status === 'Confirmed' ? rng.int(3, 18) : null;
    const facilitators: Array<keyof DemoUsers> = [PARTNERS.find((p) => p.key === host.key)!.lead];
    if (rng.chance(0.35)) facilitators.push(rng.pick(['delitelabs', 'tern', 'coordinator'] as const));
    sessions.push({
      number: n,
      title: `${topic.title} – ${online ? 'online' : host.city}`,
      topic: topic.title,
      tags: topic.tags,
      status,
      date,
      day,
      city: online ? 'Online' : host.city,
      format,
      hosts,
      facilitators: [...new Set(facilitators)],
      participants,
      budget: online ? rng.int(5, 25) * 10 : rng.int(30, 120) * 10,
      satisfaction: done ? rng.int(68, 98) / 100 : null,
      recording: done && format !== 'In person' ? `https://video.magnet-network.example.org/academy/${n}` : null,
      slides: n % 5 === 0 ? 'notion' : n % 7 === 0 ? 'external' : null,
      certificate: done && (participants ?? 0) >= 8,
      verification: n === 40 ? 'expired' : n % 10 === 0 && done ? 'verified' : null,
      summary: done && n % 8 === 0 ? SUMMARIES[(n / 8) % SUMMARIES.length]! : null,
    });
    day = addDays(day, rng.int(4, 9));
  }
  return sessions;
}
