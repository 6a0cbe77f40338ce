/**
 * Test and benchmark fixture: a Markdown document of a given size with nested headings,
 * paragraphs, lists, a table and code blocks.
 */
import { testParagraph } from './generate-pdf.js';

/** Deterministic Markdown of at least `targetBytes` bytes (UTF-8). */
export function generateMarkdown(targetBytes: number): string {
  const parts: string[] = ['# Homelab handbook', ''];
  let bytes = 0;
  for (let chapter = 1; bytes < targetBytes; chapter += 1) {
    const block = [
      `## Chapter ${chapter}`,
      '',
      testParagraph(chapter, 1),
      '',
      `### Chapter ${chapter} details`,
      '',
      testParagraph(chapter, 2),
      '',
      `- item one of chapter ${chapter}`,
      `- item two with **bold** and [a link](https://example.invalid/${chapter})`,
      '',
      '| key | value |',
      '| --- | ----- |',
      `| chapter | ${chapter} |`,
      '',
      '```sh',
      `kubectl rollout restart deployment/service-${chapter}`,
      '```',
      '',
      testParagraph(chapter, 3),
      '',
    ].join('\n');
    parts.push(block);
    bytes += Buffer.byteLength(block) + 1;
  }
  return parts.join('\n');
}
