import { parseFragment, serialize, type DefaultTreeAdapterMap } from 'parse5';

type ChildNode = DefaultTreeAdapterMap['childNode'];
type ParentNode = DefaultTreeAdapterMap['parentNode'];

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * HTML in a form where only meaning counts: whitespace collapsed (runs become one space, text is
 * trimmed, whitespace-only text between elements dropped, attribute values collapsed too) and
 * each element's attributes sorted by name. Everything else (element order, attribute values,
 * class order, text) must match exactly. Used to compare the eta partials with the design
 * system's own fixtures, whose Nunjucks output differs from ours only in indentation.
 */
export function normaliseHtml(html: string): string {
  const fragment = parseFragment(html);
  tidy(fragment);
  return serialize(fragment);
}

function tidy(node: ParentNode): void {
  const children = 'content' in node && node.nodeName === 'template' ? [] : node.childNodes;
  for (let i = children.length - 1; i >= 0; i--) {
    const child = children[i] as ChildNode;
    if (child.nodeName === '#text' && 'value' in child) {
      const text = collapse(child.value);
      if (text === '') children.splice(i, 1);
      else child.value = text;
    } else if (child.nodeName === '#comment') {
      children.splice(i, 1);
    } else if ('attrs' in child) {
      child.attrs = child.attrs
        .map((attr) => ({ ...attr, value: collapse(attr.value) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      tidy(child);
    }
  }
}
