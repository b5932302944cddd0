/** Where one page's files go, relative to the snapshot root. */
export interface PagePaths {
  /** The Markdown file. */
  markdown: string;
  /** The JSON record. */
  record: string;
  /** Parent page or database in the export, or null at the top. */
  parentId: string | null;
  /** The database the page is a row of, or null. */
  databaseId: string | null;
}

/** Where one database's files go. */
export interface DatabasePaths {
  /** A Markdown overview (schema and row table) that people and links open. */
  markdown: string;
  /** The JSON record (the contract's `path`). */
  json: string;
  /** One CSV per data source, in data source order. */
  csv: string[];
  parentId: string | null;
}

/** Block id → a heading's anchor (without `#`) in its page's Markdown file (src/links/block-owners.ts). */
export interface HeadingAnchors {
  get(blockId: string): string | undefined;
}

/** Which exported page holds a block (src/links/block-owners.ts). */
export interface BlockLookup {
  get(blockId: string): string | undefined;
}

/** Every file name of a snapshot, decided before any page is written (src/publish/plan-paths.ts). */
export interface PathPlan {
  pages: Map<string, PagePaths>;
  databases: Map<string, DatabasePaths>;
  /** Exported page that holds each block (for links to blocks and pages parented by blocks). */
  pageOfBlock: BlockLookup;
}
