/**
 * The design system's `nhsukAttributes` macro (nhsuk-frontend `macros/attributes.njk`), for the
 * eta partials: renders a component's `attributes` param as ` name="value"` pairs.
 *
 * - a string is output as it is (already HTML);
 * - `{ name: value }` renders ` name="value"`, escaped; `undefined`/`null` render ` name=""`;
 * - `{ name: { value, optional: true } }` omits empty values and renders `true` as ` name` alone;
 * - `{ name: { value: [...], type: 'array' } }` renders the value as escaped JSON.
 */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | {
      readonly value: unknown;
      readonly type?: 'string' | 'array';
      readonly optional?: boolean;
    };

export type Attributes = string | Readonly<Record<string, AttributeValue>> | null | undefined;

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML-escapes text (as Nunjucks' `escape` filter does). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => escapes[character] ?? character);
}

const isOptions = (
  item: AttributeValue,
): item is { value: unknown; type?: 'string' | 'array'; optional?: boolean } =>
  typeof item === 'object' && item !== null;

export function nhsukAttributes(attributes: Attributes): string {
  if (typeof attributes === 'string') return attributes;
  if (!attributes || typeof attributes !== 'object') return '';
  let html = '';
  for (const [name, item] of Object.entries(attributes)) {
    const options = isOptions(item)
      ? { type: 'string', optional: false, ...item }
      : { value: item, type: 'string', optional: false };
    const { value, optional } = options;
    let escaped: string;
    if (value === undefined || value === null) escaped = '';
    else if (options.type === 'array' && Array.isArray(value))
      escaped = JSON.stringify(value)
        .replace(/</g, '\\u003c')
        .replace(/>/g, '\\u003e')
        .replace(/&/g, '\\u0026')
        .replace(/'/g, '\\u0027');
    else escaped = escapeHtml(value);

    if (optional === true && value === true) html += ` ${escapeHtml(name)}`;
    else if (optional !== true || (value !== undefined && value !== null && value !== false))
      html += escaped.includes('"')
        ? ` ${escapeHtml(name)}='${escaped}'`
        : ` ${escapeHtml(name)}="${escaped}"`;
  }
  return html;
}

export interface I18nParams {
  /** Translation key (kebab-case). */
  readonly key: string;
  /** Translation text, singular. */
  readonly message?: string;
  /** Translation text by plural rule (overrides `message`). */
  readonly messages?: Readonly<Record<string, string>>;
}

/** The design system's `nhsukI18nAttributes` macro: translations as `data-i18n.*` attributes. */
export function nhsukI18nAttributes(params: I18nParams): string {
  if (params.messages)
    return Object.entries(params.messages)
      .map(([rule, message]) => ` data-i18n.${params.key}.${rule}="${escapeHtml(message)}"`)
      .join('');
  if (params.message) return ` data-i18n.${params.key}="${escapeHtml(params.message)}"`;
  return '';
}
