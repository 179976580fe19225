export { createViews, viewHelpers, type ViewsOptions } from './create-views';
export {
  escapeHtml,
  nhsukAttributes,
  nhsukI18nAttributes,
  type Attributes,
} from './nhsuk-attributes';
export { nhsukIcon } from './nhsuk-icon';
