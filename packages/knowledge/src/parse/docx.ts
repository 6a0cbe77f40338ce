/**
 * DOCX to sections: the zip is inspected (corrupt archive, zip bomb) before anything is
 * unpacked, then mammoth turns the document into HTML — Heading 1–6 styles become h1–h6,
 * lists and tables their HTML forms — which the HTML walker reads. The Title style becomes
 * the document title.
 */
import mammoth from 'mammoth';
import { PlatformError } from '@homelab-ai/contracts';
import { htmlToDocument } from './html.js';
import type { ParsedDocument } from './types.js';
import { assertNotZipBomb, listZipEntries } from './zip-guard.js';

const DOCUMENT_XML = 'word/document.xml';
const TITLE_CLASS = 'docx-title';
/** mammoth drops the Title style by default; keep it as a marked paragraph. */
const STYLE_MAP = [
  `p[style-name='Title'] => p.${TITLE_CLASS}:fresh`,
  `p[style-name='Subtitle'] => p:fresh`,
];

/** Parses a DOCX archive; `maxUnzippedBytes` bounds what its entries may unpack to. */
export async function docxToDocument(
  bytes: Uint8Array,
  filename: string,
  maxUnzippedBytes?: number,
): Promise<ParsedDocument> {
  const entries = listZipEntries(bytes, filename);
  if (!entries.some((entry) => entry.name === DOCUMENT_XML)) {
    throw new PlatformError(
      'invalid_input',
      `${filename}: a zip archive but not a Word document (no ${DOCUMENT_XML}); only .docx files are supported among zip formats`,
    );
  }
  assertNotZipBomb(entries, filename, maxUnzippedBytes);
  let html: string;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const convertImage = mammoth.images.imgElement(() => Promise.resolve({ src: '' }));
    html = (await mammoth.convertToHtml({ buffer }, { styleMap: STYLE_MAP, convertImage })).value;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PlatformError(
      'invalid_input',
      `${filename}: not a valid DOCX (${reason}); save the document again from Word and re-upload it`,
      { cause: error },
    );
  }
  return htmlToDocument(html, { type: 'docx', titleClass: TITLE_CLASS });
}
