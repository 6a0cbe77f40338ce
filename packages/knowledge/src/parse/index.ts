/** Document parsing: bytes of a PDF, DOCX, HTML, Markdown, text or CSV file → sections. */
export { parseDocument, DEFAULT_MAX_DOCUMENT_BYTES } from './parse-document.js';
export { detectDocumentType, SUPPORTED_TYPES_TEXT } from './detect-type.js';
export { DEFAULT_MAX_UNZIPPED_BYTES, MAX_COMPRESSION_RATIO } from './zip-guard.js';
export {
  DOCUMENT_TYPES,
  type DocumentType,
  type ParsedDocument,
  type ParseOptions,
  type Section,
} from './types.js';
