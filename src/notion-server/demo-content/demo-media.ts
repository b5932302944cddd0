import type { WorkspaceBuilder } from '../builder.js';
import type { Id } from '../workspace-model.js';
import { csvBytes, mp4Bytes, pdfBytes, pngBytes, wavBytes, type Rgb } from './tiny-files.js';

/** Ids of the Notion-hosted files (and the custom emoji) the demo pages use. */
export interface DemoMedia {
  rootCover: Id;
  toolkitIcon: Id;
  magnetLogo: Id;
  /** Same bytes as magnetLogo, uploaded a second time under another name. */
  magnetLogoCopy: Id;
  academyGroupPhoto: Id;
  canvasPdf: Id;
  checklistPdf: Id;
  budgetCsv: Id;
  welcomeVideo: Id;
  podcastJingle: Id;
  sessionSlides: Id;
  handbookPdf: Id;
  magnetEmoji: Id;
  magnetEmojiFile: Id;
  /** Partner logos by partner key. */
  logos: Record<string, Id>;
}

const NAVY: Rgb = [22, 45, 94];
const TEAL: Rgb = [0, 150, 136];
const AMBER: Rgb = [255, 179, 0];

/** Partner key → the two colours of its generated logo. */
export const LOGO_COLOURS: Record<string, [Rgb, Rgb]> = {
  danubia: [NAVY, [90, 120, 200]],
  mfc: [[0, 102, 68], [140, 200, 90]],
  ithr: [[80, 30, 120], [200, 120, 220]],
  singa: [[230, 60, 80], [255, 170, 120]],
  delitelabs: [[20, 20, 20], [120, 120, 120]],
  tern: [[0, 110, 160], [120, 210, 230]],
  eucen: [[150, 20, 40], [240, 120, 90]],
  vuzf: [[10, 60, 40], [200, 180, 60]],
};

/** Uploads every demo file once (twice for the deliberate duplicate) and registers the custom emoji. */
export function addDemoMedia(b: WorkspaceBuilder): DemoMedia {
  const png = (name: string, bytes: Buffer) => b.file({ name, contentType: 'image/png', bytes });
  const logoBytes = pngBytes({ width: 48, height: 48, from: NAVY, to: TEAL, accent: AMBER });
  const magnetEmojiFile = png('magnet-emoji.png', pngBytes({ width: 16, height: 16, from: [200, 30, 30], to: [60, 60, 200], accent: [240, 240, 240] }));
  const logos: Record<string, Id> = {};
  for (const [key, [from, to]] of Object.entries(LOGO_COLOURS)) {
    logos[key] = png(`${key}-logo.png`, pngBytes({ width: 32, height: 32, from, to, accent: [255, 255, 255] }));
  }
  return {
    rootCover: png('magnet-cover.png', pngBytes({ width: 120, height: 30, from: NAVY, to: TEAL })),
    toolkitIcon: png('toolkit-icon.png', pngBytes({ width: 20, height: 20, from: AMBER, to: [255, 110, 0], accent: NAVY })),
    magnetLogo: png('magnet-logo.png', logoBytes),
    magnetLogoCopy: png('magnet-logo (1).png', Buffer.from(logoBytes)),
    academyGroupPhoto: png('academy-cohort-3.png', pngBytes({ width: 64, height: 40, from: [250, 220, 180], to: [120, 80, 60], accent: TEAL })),
    canvasPdf: b.file({
      name: 'Value proposition canvas – worksheet.pdf',
      contentType: 'application/pdf',
      bytes: pdfBytes('MAGNET Open Toolkit - Worksheet 1.1', [
        'Value proposition canvas',
        '1. Who is your customer? Describe one real person you have spoken to.',
        '2. Which job are they trying to get done?',
        '3. What pains do they feel today? What gains would delight them?',
        '4. How does your product relieve the pain or create the gain?',
        'Licence: CC BY-SA 4.0, MAGNET Network',
      ]),
    }),
    checklistPdf: b.file({
      name: 'microcredit-readiness-checklist.pdf',
      contentType: 'application/pdf',
      bytes: pdfBytes('Microcredit readiness checklist', [
        '[ ] Residence and work permit allow self-employment',
        '[ ] Business plan with 12-month cash-flow forecast',
        '[ ] Two references from the local community',
        '[ ] Bank account in the country of activity',
        '[ ] Quote for the first equipment purchase',
      ]),
    }),
    budgetCsv: b.file({
      name: 'academy-budget-2025.csv',
      contentType: 'text/csv',
      bytes: csvBytes([
        ['Cost item', 'Partner', 'Amount (EUR)', 'Note'],
        ['Venue hire', 'VUZF University', 1800, 'Sofia, 6 sessions'],
        ['Interpreters', 'SINGA', 2400, 'Arabic, Dari, Ukrainian'],
        ['Childcare', 'TERN', 1250, 'Needed for "evening" sessions'],
        ['Travel of facilitators', 'Danubia University', 3100, 'Economy class, rail first'],
      ]),
    }),
    welcomeVideo: b.file({ name: 'academy-welcome.mp4', contentType: 'video/mp4', bytes: mp4Bytes('MAGNET Academy welcome video', 4) }),
    podcastJingle: b.file({ name: 'magnet-podcast-jingle.wav', contentType: 'audio/wav', bytes: wavBytes([523, 659, 784, 1047]) }),
    sessionSlides: b.file({
      name: 'academy-session-slides.pdf',
      contentType: 'application/pdf',
      bytes: pdfBytes('MAGNET Academy - session slides', ['Welcome and round of names', 'Peer case', 'Three questions', 'Commitments']),
    }),
    handbookPdf: b.file({
      name: 'naruchnik-predpriemachi.pdf',
      contentType: 'application/pdf',
      bytes: pdfBytes('Handbook for entrepreneurs (Bulgarian edition)', ['Registration', 'Taxes and social security', 'Bank account', 'Support services in Sofia']),
    }),
    magnetEmoji: b.customEmoji('magnet', magnetEmojiFile),
    magnetEmojiFile,
    logos,
  };
}
