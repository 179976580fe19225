import { parseAllDocuments } from 'yaml';

/**
 * Every document of a YAML text, as plain data. Anchors, aliases and `<<` merge keys are resolved
 * (compose uses them); any syntax error or warning is thrown with the file's name, so a broken
 * manifest fails the checks instead of being read as half a file.
 */
export function parseYamlDocuments(text: string, fileName: string): unknown[] {
  const documents = parseAllDocuments(text, { merge: true, prettyErrors: true });
  const result: unknown[] = [];
  for (const document of documents) {
    const problems = [...document.errors, ...document.warnings];
    if (problems.length > 0) {
      throw new Error(`${fileName}: ${problems.map((problem) => problem.message).join('\n')}`);
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) result.push(value);
  }
  return result;
}

/** A file that must hold exactly one YAML document. */
export function parseYamlDocument(text: string, fileName: string): unknown {
  const documents = parseYamlDocuments(text, fileName);
  if (documents.length !== 1) {
    throw new Error(`${fileName}: expected one YAML document, found ${documents.length}`);
  }
  return documents[0];
}
