import type { RichTextItemResponse } from '@notionhq/client';
import type { BlockNode } from '../../../source/block-tree.js';
import { escapeTableCell, joinBlocks } from '../markdown-syntax.js';
import type { RenderState } from '../render-state.js';
import type { BlockHandler } from './handler-types.js';

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** One cell: inline Markdown on one line (`<br>` for breaks), pipes escaped, bold when it is a row header. */
function cell(node: BlockNode, richText: readonly RichTextItemResponse[] | undefined, state: RenderState, rowHeader: boolean): string {
  const text = escapeTableCell(state.inline(node, richText ?? [], 'line'));
  return rowHeader && text !== '' ? `**${text}**` : text;
}

/**
 * A GFM table. GFM always needs a header row: without has_column_header it is left empty, so
 * no data row is promoted to a header.
 */
function gfmTable(rows: readonly BlockNode[], width: number, columnHeader: boolean, rowHeader: boolean, state: RenderState): string {
  const rendered = rows.map((r) => {
    const cells = r.type === 'table_row' ? r.table_row.cells : [];
    return Array.from({ length: width }, (_, i) => cell(r, cells[i], state, rowHeader && i === 0));
  });
  const header = columnHeader && rendered.length > 0 ? rendered.shift()! : Array.from({ length: width }, () => '');
  return [row(header), row(header.map(() => '---')), ...rendered.map(row)].join('\n');
}

/** table: a GFM table of its table_row children. */
export const table: BlockHandler<'table'> = async (node, state) => {
  const rows = node.children.filter((c) => c.type === 'table_row');
  const others = node.children.filter((c) => c.type !== 'table_row');
  const width = Math.max(node.table.table_width, 1, ...rows.map((r) => (r.type === 'table_row' ? r.table_row.cells.length : 0)));
  // Tables only hold rows; anything else is rendered after the table rather than dropped.
  return joinBlocks([gfmTable(rows, width, node.table.has_column_header, node.table.has_row_header, state), await state.blocks(others)]);
};

/** table_row outside a table (never seen in practice): a one-row table, so its cells survive. */
export const table_row: BlockHandler<'table_row'> = (node, state) =>
  gfmTable([node], Math.max(1, node.table_row.cells.length), false, false, state);
