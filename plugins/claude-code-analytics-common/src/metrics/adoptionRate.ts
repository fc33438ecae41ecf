/**
 * Share of an entity's members who used Claude Code in the period, between 0 and 1.
 *
 * For a User or Group: members active anywhere. For a Component, System or Domain: members of the
 * owning teams who were active on those services. Zero when there are no members.
 *
 * @public
 */
export function adoptionRate(activeMembers: number, members: number): number {
  if (members <= 0) {
    return 0;
  }
  return Math.min(1, activeMembers / members);
}
