import { normaliseNotionId } from '../config/notion-id.js';

/** Dashed lower-case form of a Notion id given with or without dashes; null when it is not one. */
export const dashedId = normaliseNotionId;
