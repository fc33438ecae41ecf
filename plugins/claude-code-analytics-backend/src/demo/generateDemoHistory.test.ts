import {
  costMicros,
  findModelPrice,
} from 'backstage-plugin-claude-code-analytics-common';
import { DEFAULT_DEMO_ORG_OPTIONS, generateDemoOrg } from './generateDemoOrg';
import { generateDemoHistory } from './generateDemoHistory';

const org = generateDemoOrg(DEFAULT_DEMO_ORG_OPTIONS);
const options = { seed: 42, endDate: '2025-06-30', days: 365 };
const FIRST_DAY = '2024-07-01';
const PERIOD_START = '2024-07-01T00:00:00Z';
const PERIOD_END = '2025-07-01T00:00:00Z'; // exclusive

const history = generateDemoHistory(org, options);
const usage = [...history.usage()];
const pullRequests = [...history.pullRequests()];
const deployments = [...history.deployments()];
const incidents = [...history.incidents()];

const personByIdentity = new Map(
  org.people.flatMap(person =>
    [person.email, ...person.identities].map(id => [id.toLowerCase(), person]),
  ),
);
const personOf = (identity: string) =>
  personByIdentity.get(identity.toLowerCase());
const teamByName = new Map(org.teams.map(team => [team.name, team]));
const time = (iso: string) => Date.parse(iso);

describe('generateDemoHistory', () => {
  it('is deterministic', () => {
    const again = generateDemoHistory(org, options);
    expect([...again.usage()]).toEqual(usage);
    expect([...again.pullRequests()]).toEqual(pullRequests);
    expect([...again.deployments()]).toEqual(deployments);
    expect([...again.incidents()]).toEqual(incidents);

    const other = generateDemoHistory(org, { ...options, seed: 43 });
    expect([...other.usage()]).not.toEqual(usage);
    expect([...other.pullRequests()]).not.toEqual(pullRequests);
  });

  it('stays within the period', () => {
    expect(usage.length).toBeGreaterThan(1000);
    expect(pullRequests.length).toBeGreaterThan(1000);
    expect(deployments.length).toBeGreaterThan(100);
    expect(incidents.length).toBeGreaterThan(5);
    expect(
      usage.filter(day => day.date < FIRST_DAY || day.date > options.endDate),
    ).toEqual([]);
    const timestamps = [
      ...pullRequests.flatMap(pr => [
        pr.createdAt,
        pr.firstCommitAt,
        pr.firstReviewAt,
        pr.mergedAt,
      ]),
      ...deployments.map(deployment => deployment.finishedAt),
      ...incidents.flatMap(incident => [
        incident.createdAt,
        incident.resolvedAt,
      ]),
    ].filter((value): value is string => value !== undefined);
    expect(
      timestamps.filter(
        value =>
          !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value) ||
          time(value) < time(PERIOD_START) ||
          time(value) >= time(PERIOD_END),
      ),
    ).toEqual([]);
  });

  it('rolls out team by team, one team never', () => {
    const firstUsage = new Map<string, string>();
    for (const day of usage) {
      const team = personOf(day.identity)!.team;
      const known = firstUsage.get(team);
      if (!known || day.date < known) firstUsage.set(team, day.date);
    }
    const teamsWithMembers = org.teams.filter(team => team.members.length);
    const never = teamsWithMembers.filter(team => !firstUsage.has(team.name));
    expect(never).toHaveLength(1);
    expect(new Set(firstUsage.values()).size).toBeGreaterThanOrEqual(
      firstUsage.size - 1,
    );
    // Some team starts only in the last three months.
    expect([...firstUsage.values()].some(date => date >= '2025-04-01')).toBe(
      true,
    );
    // Weekends are quiet.
    const weekend = usage.filter(day =>
      [0, 6].includes(new Date(`${day.date}T00:00:00Z`).getUTCDay()),
    );
    expect(weekend.length / usage.length).toBeLessThan(0.1);
  });

  it('writes one record per person-day, sometimes split by repository', () => {
    const keys = usage.map(
      d => `${d.identity}|${d.date}|${d.provider}|${d.repository}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
    const personDays = new Map<string, number>();
    for (const day of usage) {
      const key = `${personOf(day.identity)!.name}|${day.date}`;
      personDays.set(key, (personDays.get(key) ?? 0) + 1);
    }
    expect(Math.max(...personDays.values())).toBe(2);
    const named = usage.filter(day => day.repository).length / usage.length;
    expect(named).toBeGreaterThan(0.3);
    expect(named).toBeLessThan(0.6);
    const foreign = usage.filter(
      day =>
        day.repository &&
        !teamByName
          .get(personOf(day.identity)!.team)!
          .components.some(c => `acme/${c}` === day.repository),
    );
    expect(foreign).toEqual([]);
    expect(usage.filter(day => !(day.activity!.sessions >= 1))).toEqual([]);
    const decisions = usage.flatMap(day =>
      Object.values(day.activity!.toolDecisions),
    );
    const accepted = decisions.reduce((sum, d) => sum + d.accepted, 0);
    const rejected = decisions.reduce((sum, d) => sum + d.rejected, 0);
    expect(accepted / (accepted + rejected)).toBeGreaterThan(0.83);
    expect(accepted / (accepted + rejected)).toBeLessThan(0.96);
  });

  it('uses identities that resolve, in other cases than the catalog too', () => {
    for (const day of usage) {
      expect(personOf(day.identity)).toBeDefined();
    }
    const emails = new Set(org.people.map(person => person.email));
    const extra = new Set(org.people.flatMap(person => person.identities));
    expect(usage.some(day => extra.has(day.identity))).toBe(true);
    expect(
      usage.some(day => !emails.has(day.identity) && !extra.has(day.identity)),
    ).toBe(true);
  });

  it('puts one team on Bedrock, unpriced, and prices first-party usage', () => {
    const bedrockTeam = org.teams.find(team => team.provider === 'bedrock')!;
    const bedrock = usage.filter(day => day.provider === 'bedrock');
    expect(bedrock.length).toBeGreaterThan(0);
    const wrong = usage.filter(day => {
      const onBedrock = personOf(day.identity)!.team === bedrockTeam.name;
      return (
        day.provider !== (onBedrock ? 'bedrock' : 'firstParty') ||
        day.models.some(model =>
          onBedrock
            ? !/^us\.anthropic\.claude-.*-v1:0$/.test(model.model) ||
              model.costMicros !== undefined
            : model.costMicros !==
              costMicros(model.tokens, findModelPrice(model.model)!),
        ) ||
        day.models.some(model => model.tokens.cacheRead <= model.tokens.input)
      );
    });
    expect(wrong).toEqual([]);
    const models = new Set(usage.flatMap(day => day.models.map(m => m.model)));
    expect(models).toContain('claude-sonnet-4-5-20250929');
    expect(models).toContain('claude-opus-4-5-20251101');
    expect(models).toContain('claude-haiku-4-5-20251001');
  });

  it('numbers pull requests per repository in time order', () => {
    const logins = new Set(org.people.map(person => person.githubLogin));
    const invalid = pullRequests.filter(
      pr =>
        !logins.has(pr.author) ||
        pr.repository !== pr.repository.toLowerCase() ||
        !(time(pr.createdAt) > time(pr.firstCommitAt!)) ||
        (pr.firstReviewAt && !(time(pr.firstReviewAt) > time(pr.createdAt))) ||
        (pr.mergedAt &&
          (!(time(pr.mergedAt) > time(pr.firstReviewAt!)) ||
            !/^[0-9a-f]{40}$/.test(pr.mergeCommitSha ?? ''))),
    );
    expect(invalid).toEqual([]);

    // Pull requests come one repository at a time, in number order.
    const unordered = pullRequests.filter((pr, i) => {
      const previous = pullRequests[i - 1];
      return (
        previous?.repository === pr.repository &&
        (pr.number <= previous.number || pr.createdAt < previous.createdAt)
      );
    });
    expect(unordered).toEqual([]);
    const repositories = pullRequests
      .map(pr => pr.repository)
      .filter((repository, i, all) => repository !== all[i - 1]);
    expect(new Set(repositories).size).toBe(repositories.length);

    const merged = pullRequests.filter(pr => pr.mergedAt).length;
    expect(merged / pullRequests.length).toBeGreaterThan(0.75);
    expect(merged).toBeLessThan(pullRequests.length);
  });

  it('makes heavy Claude Code users open more AI-assisted pull requests', () => {
    const usageDays = new Map<string, number>();
    for (const day of usage) {
      const login = personOf(day.identity)!.githubLogin;
      usageDays.set(login, (usageDays.get(login) ?? 0) + 1);
    }
    const share = (authors: (login: string) => boolean) => {
      const prs = pullRequests.filter(pr => authors(pr.author));
      return prs.filter(pr => pr.aiAssisted).length / prs.length;
    };
    const nonUsers = share(login => !usageDays.has(login));
    const heavyUsers = share(login => (usageDays.get(login) ?? 0) >= 100);
    expect(nonUsers).toBeLessThan(0.05);
    expect(heavyUsers).toBeGreaterThan(0.3);
  });

  it('deploys every merged pull request once, after its merge', () => {
    const prs = new Map(
      pullRequests.map(pr => [`${pr.repository}#${pr.number}`, pr]),
    );
    const carriedBy = new Map<string, string>();
    const ids = new Set<string>();
    const lastSuccess = new Map<string, string>();
    const problems: string[] = [];
    for (const deployment of deployments) {
      const id = `${deployment.repository}/${deployment.id}`;
      if (ids.has(id)) problems.push(`${id}: duplicate id`);
      ids.add(id);
      if (!deployment.pullRequests.length) problems.push(`${id}: empty`);
      for (const number of deployment.pullRequests) {
        const pr = prs.get(`${deployment.repository}#${number}`);
        if (!pr?.mergedAt || time(pr.mergedAt) > time(deployment.finishedAt)) {
          problems.push(`${id}: carries #${number}, not merged before`);
        }
      }
      const last = deployment.pullRequests[deployment.pullRequests.length - 1];
      if (
        deployment.sha !==
        prs.get(`${deployment.repository}#${last}`)?.mergeCommitSha
      ) {
        problems.push(`${id}: sha is not the merge sha of #${last}`);
      }
      if (
        deployment.environment === 'production' &&
        deployment.status === 'success'
      ) {
        for (const number of deployment.pullRequests) {
          const key = `${deployment.repository}#${number}`;
          if (carriedBy.has(key)) {
            problems.push(
              `${key}: deployed by ${carriedBy.get(key)} and ${id}`,
            );
          }
          carriedBy.set(key, id);
        }
        const previous = lastSuccess.get(deployment.repository);
        if (!previous || previous < deployment.finishedAt) {
          lastSuccess.set(deployment.repository, deployment.finishedAt);
        }
      }
    }
    expect(problems).toEqual([]);
    // Merged before the last successful production deployment means deployed.
    const undeployed = pullRequests.filter(pr => {
      const last = lastSuccess.get(pr.repository);
      return (
        pr.mergedAt &&
        last &&
        time(pr.mergedAt) < time(last) &&
        !carriedBy.has(`${pr.repository}#${pr.number}`)
      );
    });
    expect(undeployed).toEqual([]);
    const production = deployments.filter(d => d.environment === 'production');
    const failed = production.filter(d => d.status === 'failure').length;
    expect(failed / production.length).toBeGreaterThan(0.03);
    expect(failed / production.length).toBeLessThan(0.15);
    expect(deployments.some(d => d.environment === 'staging')).toBe(true);
    // Cadences differ: some repositories deploy many times more often than others.
    const perRepository = new Map<string, number>();
    production.forEach(d =>
      perRepository.set(
        d.repository,
        (perRepository.get(d.repository) ?? 0) + 1,
      ),
    );
    const counts = [...perRepository.values()];
    expect(Math.max(...counts)).toBeGreaterThan(10 * Math.min(...counts));
  });

  it('opens incidents after successful production deployments', () => {
    const ids = incidents.map(i => `${i.repository}/${i.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    const orphans = incidents.filter(
      incident =>
        !deployments.some(
          d =>
            d.repository === incident.repository &&
            d.environment === 'production' &&
            d.status === 'success' &&
            time(d.finishedAt) < time(incident.createdAt),
        ),
    );
    expect(orphans).toEqual([]);
    const resolvedBeforeCreated = incidents.filter(
      incident =>
        incident.resolvedAt &&
        time(incident.resolvedAt) <= time(incident.createdAt),
    );
    expect(resolvedBeforeCreated).toEqual([]);
    expect(incidents.some(incident => incident.resolvedAt)).toBe(true);
  });

  it('streams a month of a benchmark organisation', () => {
    const big = generateDemoOrg({
      seed: 1,
      engineers: 5000,
      components: 2000,
      teams: 500,
      groupDepth: 5,
    });
    const bigHistory = generateDemoHistory(big, {
      seed: 1,
      endDate: '2025-06-30',
      days: 30,
    });
    const count = (records: Iterable<unknown>) => {
      let n = 0;
      for (const _ of records) n++;
      return n;
    };
    expect(count(bigHistory.usage())).toBeGreaterThan(10_000);
    expect(count(bigHistory.pullRequests())).toBeGreaterThan(50_000);
    expect(count(bigHistory.deployments())).toBeGreaterThan(1_000);
  }, 120_000);
});
