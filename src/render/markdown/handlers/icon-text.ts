import type { CalloutBlockObjectResponse } from '@notionhq/client';
import { assetKeys } from '../../../assets/asset-keys.js';
import type { BlockNode } from '../../../source/block-tree.js';
import { escapeMarkdownText } from '../markdown-syntax.js';
import { isNotionHostedFileUrl } from '../notion-file-url.js';
import type { RenderState } from '../render-state.js';

type BlockIcon = CalloutBlockObjectResponse['callout']['icon'];

/** Inline Markdown for a block's icon (callout, paragraph): emoji, custom emoji or downloaded image; '' for none. */
export function iconText(icon: BlockIcon | undefined, node: BlockNode, state: RenderState): string {
  if (!icon) return '';
  switch (icon.type) {
    case 'emoji':
      return icon.emoji;
    case 'custom_emoji': {
      const asset = state.ctx.asset(assetKeys.customEmoji(icon.custom_emoji.id));
      const label = `:${icon.custom_emoji.name}:`;
      return asset && 'href' in asset ? `![${escapeMarkdownText(label)}](${asset.href})` : escapeMarkdownText(label);
    }
    case 'file':
    case 'external': {
      const asset = state.ctx.asset(assetKeys.icon(node.id));
      if (asset && 'href' in asset) return `![icon](${asset.href})`;
      if (icon.type === 'external' && !isNotionHostedFileUrl(icon.external.url)) return `![icon](${state.ctx.rewriteUrl(icon.external.url)})`;
      state.report(node, `icon image not available${asset && 'error' in asset ? `: ${asset.error}` : ' (not downloaded)'}`);
      return '';
    }
    default:
      // Notion's built-in icons ({name, color}) have no text or file form.
      return '';
  }
}
