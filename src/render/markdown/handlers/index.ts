import { code, equation } from './code.js';
import type { HandlerMap } from './handler-types.js';
import { column, column_list, breadcrumb, divider, synced_block, tab, table_of_contents } from './layout.js';
import { bookmark, child_database, child_page, embed, link_preview, link_to_page } from './links.js';
import { bulleted_list_item, numbered_list_item, to_do } from './lists.js';
import { audio, file, image, pdf, video } from './media.js';
import { meeting_notes, transcription } from './meeting-notes.js';
import { table, table_row } from './table.js';
import { callout, heading_1, heading_2, heading_3, heading_4, paragraph, quote } from './text.js';
import { template, toggle } from './toggles.js';
import { unsupported } from './unsupported.js';

export { unknownBlock } from './unsupported.js';

/** The single lookup map from block type to handler; typed so that every SDK block type has one. */
export const handlers: HandlerMap = {
  paragraph,
  heading_1,
  heading_2,
  heading_3,
  heading_4,
  bulleted_list_item,
  numbered_list_item,
  quote,
  to_do,
  toggle,
  template,
  synced_block,
  child_page,
  child_database,
  equation,
  code,
  callout,
  divider,
  breadcrumb,
  table_of_contents,
  tab,
  column_list,
  column,
  link_to_page,
  table,
  table_row,
  meeting_notes,
  transcription,
  embed,
  bookmark,
  image,
  video,
  pdf,
  file,
  audio,
  link_preview,
  unsupported,
};
