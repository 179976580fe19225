/**
 * How much of a hospital's answer a reason keeps: enough to say why it refused, too little to
 * carry a record. Reasons travel upstream into the dispatcher's history, staff pages and logs,
 * which are kept far longer and seen far more widely than the hospital's own system.
 */
export const REASON_BODY_LIMIT = 200;

/**
 * Only the start of a body is read: a hospital may answer with megabytes, and what a reason keeps
 * comes from its first lines anyway. Also bounds the work of the patterns below.
 */
const READ_CHARS = 64 * 1024;

/** A page rather than a message: HTML answers are read as their text. */
const HTML = /<(!doctype\s+html|html|head|body)\b/i;

/** Ten digits, maybe spaced or hyphenated 3-3-4, not part of a longer number. */
const NHS_NUMBER = /(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)/g;

const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
/**
 * Any date, since a date of birth cannot be told from other dates: 12/03/1961, 12/3/61,
 * 1961-03-12, 12 March 1961, March 12, 1961.
 */
const DATES = [
  /(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)/g,
  /(?<!\d)\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?!\d)/g,
  new RegExp(`(?<![\\w])\\d{1,2}(?:st|nd|rd|th)? ${MONTH}\\.?,? \\d{4}(?!\\d)`, 'gi'),
  new RegExp(`(?<![\\w])${MONTH}\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}(?!\\d)`, 'gi'),
];

/**
 * Control characters (C0, DEL, C1) and the invisible ones that change how text reads or where a
 * log line seems to end: bidirectional overrides and isolates, zero-width characters.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * A hospital's answer (the body of a refusal or an error) as a short reason: the text of an HTML
 * page, without control characters, whitespace collapsed, anything that looks like a patient
 * identifier removed (NHS numbers, dates such as a date of birth), at most REASON_BODY_LIMIT
 * characters. Cleaned before it is cut, so a cut never leaves half an identifier behind.
 */
export function reasonText(body: string, limit = REASON_BODY_LIMIT): string {
  let text = body.length > READ_CHARS ? cutAtWord(body.slice(0, READ_CHARS)) : body;
  if (HTML.test(text)) text = pageText(text);
  text = text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  text = text.replace(NHS_NUMBER, '[NHS number]');
  for (const date of DATES) text = text.replace(date, '[date]');
  return text.length > limit ? `${text.slice(0, limit).trimEnd()}...` : text;
}

/** Drops the last, possibly partial, word of a cut body (half an NHS number is still digits). */
function cutAtWord(text: string): string {
  return text.replace(/\S*$/, '').replace(/[\d\s./-]+$/, '');
}

/** The visible text of an HTML page: no scripts, styles or comments, tags as spaces. */
function pageText(html: string): string {
  const withoutBlocks = removeBlocks(
    removeBlocks(removeBlocks(html, '<script', '</script'), '<style', '</style'),
    '<!--',
    '-->',
  );
  // `[^<>]*`: a stray `<` never makes the pattern scan the rest of the page again.
  return decodeEntities(withoutBlocks.replace(/<[^<>]*>/g, ' '));
}

/** Removes every `open ... close` block by scanning once (a regex can go quadratic here). */
function removeBlocks(text: string, open: string, close: string): string {
  const lower = text.toLowerCase();
  let out = '';
  let from = 0;
  for (;;) {
    const start = lower.indexOf(open, from);
    if (start < 0) return out + text.slice(from);
    out += `${text.slice(from, start)} `;
    const end = lower.indexOf(close, start + open.length);
    if (end < 0) return out;
    const after = lower.indexOf('>', end + close.length - 1);
    from = after < 0 ? text.length : after + 1;
  }
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** The entities a page's text uses most, so `943&nbsp;476&nbsp;5919` is seen as what it is. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (entity, name: string) => {
    if (name[0] !== '#') return NAMED[name.toLowerCase()] ?? entity;
    const code =
      name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  });
}
