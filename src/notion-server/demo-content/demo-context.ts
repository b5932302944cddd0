import type { WorkspaceBuilder } from '../builder.js';
import type { Id } from '../workspace-model.js';
import { addDemoMedia, type DemoMedia } from './demo-media.js';
import { addDemoUsers, type DemoUsers } from './demo-users.js';

/**
 * Everything the demo content modules share: the builder, the people, the uploaded files and
 * the ids of every page and link anchor, allocated up front so any page can link to any other
 * regardless of the order in which pages are built.
 */
export interface DemoContext {
  b: WorkspaceBuilder;
  users: DemoUsers;
  media: DemoMedia;
  pages: Record<PageKey, Id>;
  anchors: Record<AnchorKey, Id>;
}

/** Every non-row page of the demo, by a short key. */
export const PAGE_KEYS = [
  'root', 'start', 'aboutDe', 'howTo', 'glossary',
  'consortium', 'roles', 'agreement', 'contacts',
  'toolkit', 'mod1', 'ws11', 'facNotes', 'onlineVariations', 'breakoutScripts', 'ws12',
  'mod2', 'qaFunding', 'microcredit', 'mod3', 'handbookBg', 'registrationBg', 'mod4', 'mod5',
  'academy', 'curriculum', 'facGuide', 'circle', 'icebreakers', 'mentors',
  'meetings', 'kickoff', 'sofia1', 'sofia2', 'steering', 'calls', 'call2501', 'call2502',
  'events', 'demoDay',
  'lessons', 'worked', 'differently', 'passwd',
  'evaluation', 'framework', 'kpis', 'survey', 'sustainability', 'archivePlan',
  'newsletter', 'editorial',
  'admin', 'templates', 'longTitle', 'untitled', 'oldDraft',
  'boardOnly', 'salaryBands',
] as const;
export type PageKey = (typeof PAGE_KEYS)[number];

/** Blocks that links elsewhere point at with a `#<block id>` anchor, or that tests look up. */
export const ANCHOR_KEYS = ['helpdeskOriginal', 'kpiFormulaHeading', 'archiveChecklist', 'steeringSummary', 'steeringNotes', 'steeringTranscript', 'callSummary', 'callNotes', 'callTranscript'] as const;
export type AnchorKey = (typeof ANCHOR_KEYS)[number];

/** Creates users and files and allocates page and anchor ids, in a fixed order. */
export function createDemoContext(b: WorkspaceBuilder): DemoContext {
  const users = addDemoUsers(b);
  const media = addDemoMedia(b);
  const pages = Object.fromEntries(PAGE_KEYS.map((k) => [k, b.id()])) as Record<PageKey, Id>;
  const anchors = Object.fromEntries(ANCHOR_KEYS.map((k) => [k, b.id()])) as Record<AnchorKey, Id>;
  return { b, users, media, pages, anchors };
}
