import { groupsResponse } from '../../__fixtures__/groupsResponse';
import { adoptionCohorts } from './adoptionCohorts';

describe('adoptionCohorts', () => {
  it('puts each visible team in its adoption band, with pooled and median numbers', () => {
    const { cohorts, suppressedTeams } = adoptionCohorts(groupsResponse.items);

    expect(
      cohorts.map(cohort => [
        cohort.label,
        cohort.teams.map(team => team.title),
      ]),
    ).toEqual([
      ['<25%', ['Billing']],
      ['25–50%', []],
      ['50–75%', ['Search']],
      ['≥75%', ['Payments']],
    ]);
    expect(suppressedTeams).toBe(1);
    expect(cohorts[3]).toMatchObject({
      members: 10,
      activeUsers: 9,
      costUsd: 4000,
      mergedPullRequests: 40,
      costPerMergedPullRequest: 100,
      medianDeploymentsPerWeek: 9,
      medianLeadTimeHours: 10,
      medianChangeFailureRate: 0.1,
    });
    expect(cohorts[1]).toMatchObject({
      members: 0,
      costPerMergedPullRequest: undefined,
      medianLeadTimeHours: undefined,
    });
  });

  it('counts a team at a band boundary in the higher band', () => {
    const [team] = groupsResponse.items.filter(g => g.title === 'Search');
    const { cohorts } = adoptionCohorts([{ ...team, adoptionRate: 0.75 }]);

    expect(cohorts.map(cohort => cohort.teams.length)).toEqual([0, 0, 0, 1]);
  });
});
