// Organisation rules that need no database.
export type OrganizationRef = { id: string; name: string };

export type OrganizationChoice = { org: OrganizationRef; problem?: never } | { org?: never; problem: string };

const listed = (orgs: OrganizationRef[]) =>
  orgs
    .slice(0, 10)
    .map((org) => `  ${org.name} (${org.id})`)
    .join('\n') + (orgs.length > 10 ? `\n  … and ${orgs.length - 10} more` : '');

/**
 * Which organisation an operator means by `--org <id or name>`. Without one, the only organisation
 * there is: installations with one org (most of them) never need to type it.
 */
export function pickOrganization(orgs: OrganizationRef[], ref: string | undefined): OrganizationChoice {
  if (orgs.length === 0) return { problem: 'There is no organisation yet; create one with `leadflow org create`' };
  const wanted = ref?.trim();
  if (!wanted) {
    if (orgs.length === 1) return { org: orgs[0]! };
    return { problem: `There are ${orgs.length} organisations; choose one with --org <id or name>:\n${listed(orgs)}` };
  }
  const byId = orgs.find((org) => org.id.toLowerCase() === wanted.toLowerCase());
  if (byId) return { org: byId };
  const byName = orgs.filter((org) => org.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return { org: byName[0]! };
  if (byName.length > 1) return { problem: `${byName.length} organisations are called "${wanted}"; use the id:\n${listed(byName)}` };
  return { problem: `No organisation has the id or name "${wanted}". The organisations are:\n${listed(orgs)}` };
}
