/**
 * The tree both EPCIS syntaxes are brought into before hashing: the XML shape (JSON lists become
 * elements with child elements, JSON-LD prefixes become `{namespace}local` names).
 */
export interface HashNode {
  name: string;
  value: string;
  children: HashNode[];
}

export function node(name: string, value = '', children: HashNode[] = []): HashNode {
  return { name, value, children };
}
