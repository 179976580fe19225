// Loaded at the start of <body>, before the content is drawn, as nhsuk-frontend's page template
// does inline (an inline script is not allowed by web's content security policy): components
// that JavaScript enhances (tabs, details) are then drawn enhanced from the first paint.
document.body.className +=
  ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
