// Marks the page as having JavaScript before it is drawn, as the NHS.UK frontend's page
// template does inline; kept as a file so that the Content-Security-Policy allows no inline
// script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
