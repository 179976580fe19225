import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { codesOfValueSet, structureDefinitionsByType } from './fhir-definitions';

/**
 * Checks every `code` element bound with strength `required` in the R4 StructureDefinitions
 * (Bundle.type, Patient.gender, ServiceRequest.status, Appointment.participant.status, ...).
 *
 * Why: Medplum's validateResource checks structure, formats, cardinality and invariants but not
 * required code bindings (measured: Patient.gender "woman" and Bundle.type "transactionx" pass),
 * and a receiving FHIR server would refuse those. Returns one problem per wrong code, with its path.
 */
export function requiredBindingProblems(resource: Record<string, unknown>): string[] {
  const problems: string[] = [];
  walkResource(resource, String(resource.resourceType), problems);
  return problems;
}

function walkResource(resource: Record<string, unknown>, location: string, problems: string[]) {
  const type = String(resource.resourceType);
  const definition = structureDefinitionsByType().get(type);
  if (definition) walkElement(definition, type, resource, location, problems);
}

function walkElement(
  definition: StructureDefinition,
  elementPath: string,
  value: Record<string, unknown>,
  location: string,
  problems: string[],
): void {
  for (const [key, child] of Object.entries(value)) {
    if (key === 'resourceType' || key.startsWith('_')) continue;
    const element = findElement(definition, `${elementPath}.${key}`);
    if (!element) continue; // unknown properties are validateResource's to report
    const items = Array.isArray(child) ? child : [child];
    items.forEach((item, index) => {
      const where = `${location}.${key}${Array.isArray(child) ? `[${index}]` : ''}`;
      checkItem(definition, element, item, where, problems);
    });
  }
}

function checkItem(
  definition: StructureDefinition,
  element: ElementDefinition,
  item: unknown,
  where: string,
  problems: string[],
): void {
  const typeCode = element.type?.[0]?.code;
  const binding = element.binding;
  if (typeCode === 'code' && binding?.strength === 'required' && binding.valueSet) {
    const codes = codesOfValueSet(binding.valueSet);
    if (codes && typeof item === 'string' && !codes.has(item)) {
      problems.push(
        `Value "${item}" is not in the required value set ${binding.valueSet.split('|')[0]} (${where}); expected one of ${[...codes].join(', ')}`,
      );
    }
    return;
  }
  if (typeof item !== 'object' || item === null) return;
  const record = item as Record<string, unknown>;
  if (typeCode === 'Resource' && typeof record.resourceType === 'string') {
    walkResource(record, where, problems);
  } else if (typeCode === 'BackboneElement' || typeCode === 'Element' || element.contentReference) {
    const path = element.contentReference ? element.contentReference.slice(1) : element.path!;
    walkElement(definition, path, record, where, problems);
  } else if (typeCode) {
    const datatype = structureDefinitionsByType().get(typeCode);
    if (datatype) walkElement(datatype, typeCode, record, where, problems);
  }
}

const elementIndex = new WeakMap<StructureDefinition, Map<string, ElementDefinition>>();

function findElement(definition: StructureDefinition, path: string): ElementDefinition | undefined {
  let index = elementIndex.get(definition);
  if (!index) {
    index = new Map();
    for (const element of definition.snapshot?.element ?? []) {
      if (element.path && !element.sliceName) index.set(element.path, element);
    }
    elementIndex.set(definition, index);
  }
  return index.get(path);
}
