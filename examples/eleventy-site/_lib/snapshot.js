// Opens the snapshot the site is built from, once per build. Which snapshot: NOTION_KB_SNAPSHOT
// (a snapshot directory), or the latest one of NOTION_KB_OUT (an output directory, default
// ../../output/demo: what `npm start` writes in the notion-kb repository).
import { openArchive, openSnapshot } from 'notion-kb';

let opened;
export function loadSnapshot() {
  opened ??= process.env.NOTION_KB_SNAPSHOT
    ? openSnapshot(process.env.NOTION_KB_SNAPSHOT)
    : openArchive(process.env.NOTION_KB_OUT ?? '../../output/demo').then((archive) => archive.latest());
  return opened;
}
