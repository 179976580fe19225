/**
 * The host part of a MongoDB URL without credentials, for logs and errors: a URL may carry a
 * password, and a message naming the server must never leak it. Handles `mongodb+srv://` and
 * seed lists (`mongodb://a:27017,b:27017/db`), which the WHATWG URL parser rejects.
 */
export function storeHost(url: string): string {
  const withoutScheme = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = withoutScheme.split(/[/?#]/, 1)[0] ?? '';
  const at = authority.lastIndexOf('@');
  return (at >= 0 ? authority.slice(at + 1) : authority) || '(no host)';
}

/** Removes `user:password@` from any URL inside a message (driver errors may quote the URL). */
export function redactCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@');
}
