/** Fixture generators for tests and benchmarks (they need the dev dependencies pdf-lib, docx). */
export { generatePdfFromPages, generateTestPdf, testParagraph } from './generate-pdf.js';
export { generateTestDocx, type DocxBlock } from './generate-docx.js';
export { generateMarkdown } from './generate-markdown.js';
