import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.ts';

/** docs/openapi.json at the repository root. */
export const COMMITTED_DOCUMENT_PATH = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));

/** The document as committed: pretty JSON with a trailing newline. */
export function renderOpenApiDocument(document: OpenApiDocument = buildOpenApiDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Writes the generated document to `path`. */
export async function writeCommittedDocument(path = COMMITTED_DOCUMENT_PATH): Promise<void> {
  await writeFile(path, renderOpenApiDocument());
}

export interface DocumentCheck {
  upToDate: boolean;
  path: string;
  reason?: string;
}

/**
 * Compares the committed document with the generated one. The comparison is on content, not layout,
 * so reformatting the file (the formatter folds short arrays) is not drift.
 */
export async function checkCommittedDocument(path = COMMITTED_DOCUMENT_PATH): Promise<DocumentCheck> {
  let committed: unknown;
  try {
    committed = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    return { upToDate: false, path, reason: e instanceof Error ? e.message : String(e) };
  }
  const generated: unknown = JSON.parse(renderOpenApiDocument());
  if (isDeepStrictEqual(committed, generated)) return { upToDate: true, path };
  return { upToDate: false, path, reason: 'it differs from the document generated from the contract' };
}
