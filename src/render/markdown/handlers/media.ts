import type { RichTextItemResponse } from '@notionhq/client';
import { assetKeys } from '../../../assets/asset-keys.js';
import type { BlockNode } from '../../../source/block-tree.js';
import { escapeMarkdownText, joinBlocks, linkDestination } from '../markdown-syntax.js';
import { isNotionHostedFileUrl } from '../notion-file-url.js';
import { richTextToPlain } from '../../../normalise/rich-text-plain.js';
import type { RenderState } from '../render-state.js';
import type { BlockHandler } from './handler-types.js';

type MediaType = 'image' | 'video' | 'pdf' | 'file' | 'audio';

/** The common shape of a media payload (external / file; future types keep only caption and maybe name). */
interface MediaPayload {
  type?: string;
  external?: { url: string };
  file?: { url: string };
  caption?: RichTextItemResponse[];
  name?: string;
}

/** The file name in a URL's path; for a URL that names no file (…/watch?v=…) the URL itself. */
function nameFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    if (!last || !last.includes('.')) return isNotionHostedFileUrl(url) ? undefined : url;
    return decodeURIComponent(last);
  } catch {
    return undefined;
  }
}

/**
 * image / video / pdf / file / audio. The file only ever comes from ctx.asset (the downloaded
 * copy); an external URL is linked when nothing was downloaded; a Notion-hosted URL never is.
 */
function renderMedia(node: BlockNode, state: RenderState, type: MediaType): Promise<string> | string {
  const payload = (node as unknown as Record<MediaType, MediaPayload>)[type];
  const caption = payload.caption ?? [];
  const asset = state.ctx.asset(assetKeys.block(node.id));
  const externalUrl = payload.type === 'external' ? payload.external?.url : undefined;
  const name =
    (asset && 'name' in asset ? asset.name : undefined) ??
    (payload.name || undefined) ??
    nameFromUrl(externalUrl ?? payload.file?.url) ??
    type;

  let main: string;
  if (asset && 'href' in asset) {
    main = mediaLink(type, asset.href, name, caption);
  } else if (asset && 'error' in asset) {
    main = state.placeholder(node, `File not available: ${escapeMarkdownText(name)} (${escapeMarkdownText(asset.error)})`, `file not available: ${asset.error}`);
  } else if (externalUrl && !isNotionHostedFileUrl(externalUrl)) {
    main = mediaLink(type, state.ctx.rewriteUrl(externalUrl), name, caption);
  } else {
    main = state.placeholder(node, `File not available: ${escapeMarkdownText(name)} (not downloaded)`, 'file not available: not downloaded');
  }
  return withCaptionAndChildren(main, caption, node, state);
}

function mediaLink(type: MediaType, href: string, name: string, caption: RichTextItemResponse[]): string {
  if (type === 'image') {
    const alt = richTextToPlain(caption).replace(/\s+/g, ' ').trim() || name;
    return `![${escapeMarkdownText(alt)}](${linkDestination(href)})`;
  }
  return `[${escapeMarkdownText(name)}](${linkDestination(href)})`;
}

/** The caption as its own paragraph below the file or link (with its links and formatting), then any children. */
export async function withCaptionAndChildren(main: string, caption: readonly RichTextItemResponse[], node: BlockNode, state: RenderState): Promise<string> {
  return joinBlocks([main, state.inline(node, caption), await state.blocks(node.children)]);
}

/** image: `![caption](href)`. */
export const image: BlockHandler<'image'> = (node, state) => renderMedia(node, state, 'image');
/** video: `[name](href)`. */
export const video: BlockHandler<'video'> = (node, state) => renderMedia(node, state, 'video');
/** pdf: `[name](href)`. */
export const pdf: BlockHandler<'pdf'> = (node, state) => renderMedia(node, state, 'pdf');
/** file: `[name](href)`. */
export const file: BlockHandler<'file'> = (node, state) => renderMedia(node, state, 'file');
/** audio: `[name](href)` (notion-to-md drops audio blocks' files and captions). */
export const audio: BlockHandler<'audio'> = (node, state) => renderMedia(node, state, 'audio');
