/**
 * Cuts prepared Markdown text into parts that parse to the same sections as the whole, so that
 * the parts can be parsed in parallel: cuts fall only before a top-level ATX heading (`#` in the
 * first column, after a blank line, outside a fenced code block). Text whose meaning could
 * reach across such a cut (link reference definitions, HTML blocks that may span blank lines,
 * indented fences) is not cut. Headings of earlier parts are put back with `joinHeadingPaths`.
 */

const FENCE = /^(`{3,}|~{3,})/;
const HEADING = /^#{1,6}(?:[ \t]|$)/;
/** Constructs that could make a cut change the meaning of the text after it. */
const NOT_CUTTABLE = [
  /^ {0,3}\[[^\]\n]*\]:/m, // link reference definitions and footnotes
  /^ {0,3}<(?:script|pre|style|textarea|!--|\?|![A-Za-z]|!\[CDATA\[)/im, // HTML blocks with blank lines
  /^ {1,3}(?:`{3,}|~{3,})/m, // fences inside other blocks
  /^`{3,}[^`\n]*`/m, // a backtick in a fence's info string (then it is no fence)
];

/** Splits `prepared` into at most `parts` parts of about equal length, or leaves it whole. */
export function splitMarkdown(prepared: string, parts: number): string[] {
  if (parts <= 1 || NOT_CUTTABLE.some((pattern) => pattern.test(prepared))) return [prepared];
  const cuts = headingCuts(prepared);
  const chosen: number[] = [];
  for (let part = 1; part < parts; part += 1) {
    const target = Math.floor((prepared.length * part) / parts);
    const cut = cuts.find((offset) => offset >= target && offset > (chosen.at(-1) ?? 0));
    if (cut !== undefined) chosen.push(cut);
  }
  return [0, ...chosen].map((start, index) => prepared.slice(start, chosen[index]));
}

/** Offsets of the lines where a cut may fall. */
function headingCuts(text: string): number[] {
  const cuts: number[] = [];
  let fence: string | undefined;
  let previousBlank = true;
  let offset = 0;
  for (const line of text.split('\n')) {
    const marker = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (
        marker?.[0] === fence[0] &&
        (marker?.length ?? 0) >= fence.length &&
        line.trim() === marker
      ) {
        fence = undefined;
      }
    } else if (marker !== undefined) {
      fence = marker;
    } else if (previousBlank && offset > 0 && HEADING.test(line)) {
      cuts.push(offset);
    }
    previousBlank = line.trim() === '';
    offset += line.length + 1;
  }
  return cuts;
}

export interface OpenHeading {
  level: number;
  text: string;
}

/**
 * The heading path of a section in a later part: the headings still open from earlier parts
 * (those above every heading the part has opened up to the section) before its own.
 */
export function joinHeadingPaths(
  inherited: readonly OpenHeading[],
  sectionTopLevel: number,
  ownPath: readonly string[],
): string[] {
  return [
    ...inherited
      .filter((heading) => heading.level < sectionTopLevel)
      .map((heading) => heading.text),
    ...ownPath,
  ];
}

/** The headings open after a part: earlier ones it did not close, then its own. */
export function headingsAfterPart(
  inherited: readonly OpenHeading[],
  partTopLevel: number,
  partOpen: readonly OpenHeading[],
): OpenHeading[] {
  return [...inherited.filter((heading) => heading.level < partTopLevel), ...partOpen];
}
