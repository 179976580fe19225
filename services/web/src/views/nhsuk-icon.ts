import { escapeHtml, nhsukAttributes, type Attributes } from './nhsuk-attributes';
import { iconPaths } from './icon-paths';

export interface IconParams {
  /** Accessible name; without one the icon is hidden from assistive technology. */
  readonly title?: string;
  readonly classes?: string;
  /** Size adjustment in percent: 25, 50, 75 or 100. */
  readonly size?: number | string;
  readonly html?: string;
  readonly attributes?: Attributes;
}

const sizes = ['25', '50', '75', '100'];

/** The design system's `nhsukIcon` macro (nhsuk-frontend `macros/icon.njk`): an inline SVG. */
export function nhsukIcon(name: string, params: IconParams = {}): string {
  let classNames = `nhsuk-icon nhsuk-icon--${name}`;
  const size = params.size === undefined ? undefined : String(params.size);
  if (
    size &&
    sizes.includes(size) &&
    !sizes.some((s) => params.classes?.includes(`nhsuk-icon--size-${s}`))
  )
    classNames += ` nhsuk-icon--size-${size}`;
  if (params.classes) classNames += ` ${params.classes}`;
  const svgAttributes = nhsukAttributes({
    class: classNames,
    xmlns: 'http://www.w3.org/2000/svg',
    viewBox: '0 0 24 24',
    width: '16',
    height: '16',
    focusable: 'false',
    role: { value: params.title ? 'img' : false, optional: true },
    'aria-label': { value: params.title ? params.title : false, optional: true },
    'aria-hidden': { value: params.title ? false : 'true', optional: true },
  });
  const title = params.title ? `<title>${escapeHtml(params.title)}</title>` : '';
  const body = params.html ? params.html.trim() : (iconPaths[name] ?? []).join('');
  return `<svg${svgAttributes}${nhsukAttributes(params.attributes)}>${title}${body}</svg>`;
}
