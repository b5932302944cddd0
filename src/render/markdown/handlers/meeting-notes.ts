import type { BlockNode } from '../../../source/block-tree.js';
import { escapeMarkdownText, joinBlocks } from '../markdown-syntax.js';
import type { RenderState } from '../render-state.js';
import type { NodeOf } from '../render-types.js';
import type { BlockHandler } from './handler-types.js';

type TranscriptionPayload = NodeOf<'meeting_notes'>['meeting_notes'];

/**
 * Meeting notes (called transcription before API 2026-03-11): the title, the meeting's times,
 * and whatever content the API returned as children. Summary, notes and transcript are often
 * not readable through the API; then a visible note says so and the block is reported.
 */
async function meetingNotes(node: BlockNode, payload: TranscriptionPayload, state: RenderState): Promise<string> {
  const title = state.inline(node, payload.title ?? []);
  const heading = `**${title || 'Meeting notes'}**`;
  const times: string[] = [];
  if (payload.calendar_event) times.push(`Meeting: ${payload.calendar_event.start_time} → ${payload.calendar_event.end_time}`);
  if (payload.recording?.start_time) times.push(`Recording: ${payload.recording.start_time} → ${payload.recording.end_time ?? '…'}`);
  const body = await state.blocks(node.children);
  const missing =
    body === ''
      ? state.placeholder(
          node,
          `Meeting notes content not available through the Notion API${payload.status ? ` (status: ${escapeMarkdownText(payload.status)})` : ''}`,
          'meeting notes: summary, notes and transcript not readable through the API',
        )
      : '';
  return joinBlocks([heading, times.map((t) => escapeMarkdownText(t)).join('\\\n'), body, missing]);
}

/** meeting_notes: title, times, reachable content. */
export const meeting_notes: BlockHandler<'meeting_notes'> = (node, state) => meetingNotes(node, node.meeting_notes, state);

/** transcription: the pre-2026-03-11 name of meeting_notes. */
export const transcription: BlockHandler<'transcription'> = (node, state) => meetingNotes(node, node.transcription, state);
