// Where a rule's documentation page lives (docs/rules/ID.md, generated from its YAML). Its own
// module so reporters can link pages without loading the YAML library docs.ts needs.
export const DOCS_URL = 'https://github.com/conntune/conntune/blob/main/docs/rules'

export function docsPath(id: string): string {
  return `docs/rules/${id}.md`
}

export function ruleHelpUri(id: string): string {
  return `${DOCS_URL}/${id}.md`
}
