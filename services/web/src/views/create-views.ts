import { Eta } from 'eta';
import { escapeHtml, nhsukAttributes, nhsukI18nAttributes } from './nhsuk-attributes';
import { nhsukIcon } from './nhsuk-icon';

/**
 * What every template can call without importing anything (declared in the compiled function's
 * header, see below):
 *
 * - `component(name, params)` renders `views/components/<name>.eta` with `it.params` = `params`,
 *   exactly as nhsuk-frontend's Nunjucks macro `<name>(params)` would. The params are the
 *   macro's own (its `macro-options.json`), so the design system's documentation applies as is.
 *   A Nunjucks `{% call %}` block is passed as `params.caller` (HTML). Unlike eta's `include`,
 *   nothing of the calling page's data leaks into the component.
 * - `attributes(params.attributes)`, `i18nAttributes({key, message})`, `icon(name, params)`,
 *   `escape(text)`: the design system's
 *   own macros and filters, for the partials.
 */
export const viewHelpers = {
  attributes: nhsukAttributes,
  i18nAttributes: nhsukI18nAttributes,
  icon: nhsukIcon,
  escape: escapeHtml,
};

export interface ViewsOptions {
  /** The folder holding `components/`, `layouts/` and `pages/`. */
  readonly directory: string;
  /** Keep compiled templates (production); off in development so edits show at once. */
  readonly cache: boolean;
}

/** The eta engine web renders every page with. Output is escaped unless written with `<%~`. */
export function createViews(options: ViewsOptions): Eta {
  const views = new Eta({
    views: options.directory,
    cache: options.cache,
    autoEscape: true,
    functionHeader: [
      'const { attributes, i18nAttributes, icon, escape } = this.helpers;',
      'const params = (it && it.params) || {};',
      "const component = (name, componentParams) => this.render('/components/' + name, { params: componentParams || {} });",
    ].join('\n'),
  });
  return Object.assign(views, { helpers: viewHelpers });
}
