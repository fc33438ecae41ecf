import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AdoptionResponse,
  dateRangeEndingOn,
} from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import request from 'supertest';
import {
  DEFAULT_DEMO_ORG_OPTIONS,
  DemoOrg,
  generateDemoOrg,
} from './demo/generateDemoOrg';
import { generateDemoHistory } from './demo/generateDemoHistory';
import { claudeCodeAnalyticsPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/createTestDatabases';

jest.setTimeout(180_000);

const DAYS = 45;
const org = generateDemoOrg(DEFAULT_DEMO_ORG_OPTIONS);

/**
 * The expected adoption of every group and person, computed straight from the generator's output
 * and the org structure, without the ownership index or the rollups.
 */
function expectedAdoption(
  demo: DemoOrg,
  endDate: string,
  range: { from: string; to: string },
) {
  const parent = new Map<string, string>();
  for (const team of demo.teams) {
    parent.set(team.name, team.parent);
    parent.set(team.department, 'acme');
  }
  const groupsOf = new Map<string, Set<string>>();
  const personOf = new Map<string, string>();
  for (const person of demo.people) {
    const groups = new Set<string>();
    for (let group of person.memberOf) {
      for (;;) {
        groups.add(group);
        const up = parent.get(group);
        if (!up) break;
        group = up;
      }
    }
    groupsOf.set(person.name, groups);
    for (const id of [person.email, person.githubLogin, ...person.identities]) {
      personOf.set(id.toLowerCase(), person.name);
    }
  }

  type Totals = {
    active: Set<string>;
    sessions: number;
    linesAdded: number;
    linesRemoved: number;
    commits: number;
    pullRequests: number;
    accepted: number;
  };
  const totals = new Map<string, Totals>();
  const totalsOf = (key: string) => {
    let t = totals.get(key);
    if (!t) {
      t = {
        active: new Set(),
        sessions: 0,
        linesAdded: 0,
        linesRemoved: 0,
        commits: 0,
        pullRequests: 0,
        accepted: 0,
      };
      totals.set(key, t);
    }
    return t;
  };
  const history = generateDemoHistory(demo, {
    seed: DEFAULT_DEMO_ORG_OPTIONS.seed,
    endDate,
    days: DAYS,
  });
  for (const day of history.usage()) {
    if (day.date < range.from || day.date > range.to) continue;
    const person = personOf.get(day.identity.toLowerCase());
    if (!person) throw new Error(`demo identity ${day.identity} is nobody`);
    for (const key of [
      `user:${person}`,
      ...[...groupsOf.get(person)!].map(g => `group:${g}`),
    ]) {
      const t = totalsOf(key);
      t.active.add(person);
      t.sessions += day.activity?.sessions ?? 0;
      t.linesAdded += day.activity?.linesAdded ?? 0;
      t.linesRemoved += day.activity?.linesRemoved ?? 0;
      t.commits += day.activity?.commits ?? 0;
      t.pullRequests += day.activity?.pullRequests ?? 0;
      t.accepted += Object.values(day.activity?.toolDecisions ?? {}).reduce(
        (sum, d) => sum + d.accepted,
        0,
      );
    }
  }
  return totals;
}

/** Waits until the demo source has written its history (it runs in the background at start-up). */
async function waitForDemo(server: any) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { body } = await request(server).get(
      '/api/claude-code-analytics/v1/status',
    );
    if (body.sources?.find((s: any) => s.source === 'demo')?.lastSuccessAt) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`demo not written: ${JSON.stringify(body)}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describe('claude-code-analytics backend with the demo', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'answers adoption from the rollups, equal to the sums over members, %p',
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      // The mock scheduler runs tasks only when triggered, so the test decides when the catalog is
      // indexed. Its type is not exported; at run time it has the factory of the instance.
      const scheduler = mockServices.scheduler() as SchedulerService & {
        factory(options: { skipTaskRunOnStartup: boolean }): ServiceFactory;
      };
      const { server } = await startTestBackend({
        features: [
          claudeCodeAnalyticsPlugin,
          scheduler.factory({ skipTaskRunOnStartup: true }),
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: org.entities }),
          mockServices.rootConfig.factory({
            data: {
              claudeCodeAnalytics: {
                demo: { enabled: true, seed: 42, days: DAYS },
              },
            },
          }),
        ],
      });

      await waitForDemo(server);
      // The demo wrote usage before the catalog was indexed: nobody is mapped yet.
      const before = await request(server).get(
        '/api/claude-code-analytics/v1/status',
      );
      expect(before.body.unmappedIdentities.length).toBeGreaterThan(0);

      // The scheduled refresh indexes the catalog and rolls up everything it maps.
      await scheduler.triggerTask('claude-code-analytics-ownership-refresh');
      await scheduler.triggerTask('claude-code-analytics-rollups');
      const { body: status } = await request(server).get(
        '/api/claude-code-analytics/v1/status',
      );
      expect(status.catalog.entities).toBe(org.entities.length);
      expect(status.unmappedIdentities).toEqual([]);
      expect(status.unmappedRepositories).toEqual([]);
      expect(status.pendingRollups).toEqual({
        sessionDays: 0,
        userDays: 0,
        entityDays: 0,
        deliveryRepositories: 0,
        deliveryEntityDays: 0,
      });

      const [{ endDate }] = await knex('usage_model_daily').max({
        endDate: 'date',
      });
      const range = dateRangeEndingOn(endDate, 30);
      const expected = expectedAdoption(org, endDate, range);

      const adoption = async (ref: string): Promise<AdoptionResponse> => {
        const [kind, name] = ref.split(':');
        const res = await request(server).get(
          `/api/claude-code-analytics/v1/entities/${kind}/default/${name}/adoption?from=${range.from}&to=${range.to}`,
        );
        expect(res.status).toBe(200);
        return res.body;
      };

      let compared = 0;
      let suppressedSeen = 0;
      for (const [ref, want] of expected) {
        if (!ref.startsWith('group:')) continue;
        const got = await adoption(ref);
        const shown = {
          suppressed: got.suppressed,
          activeUsers: got.activeUsers,
          sessions: got.sessions,
          linesAdded: got.linesAdded,
          linesRemoved: got.linesRemoved,
          commits: got.commitsByClaudeCode,
          pullRequests: got.pullRequestsByClaudeCode,
          accepted: Object.values(got.toolDecisions).reduce(
            (sum, d) => sum + d.accepted,
            0,
          ),
        };
        // Fewer than five active people: every usage number is withheld.
        const hidden = want.active.size < 5;
        expect(shown).toEqual({
          suppressed: hidden,
          activeUsers: hidden ? 0 : want.active.size,
          sessions: hidden ? 0 : want.sessions,
          linesAdded: hidden ? 0 : want.linesAdded,
          linesRemoved: hidden ? 0 : want.linesRemoved,
          commits: hidden ? 0 : want.commits,
          pullRequests: hidden ? 0 : want.pullRequests,
          accepted: hidden ? 0 : want.accepted,
        });
        suppressedSeen += hidden ? 1 : 0;
        compared += hidden ? 0 : 1;
        // The daily trend adds up to the period totals.
        expect(got.daily).toHaveLength(hidden ? 0 : 30);
        expect(got.daily.reduce((s, d) => s + d.sessions, 0)).toBe(
          got.sessions,
        );
      }
      expect(compared).toBeGreaterThanOrEqual(3);
      expect(suppressedSeen).toBeGreaterThanOrEqual(1);

      // The root group equals the sum of its members' own User numbers.
      const root = await adoption('group:acme');
      let memberSessions = 0;
      let memberLines = 0;
      let activeMembers = 0;
      for (const person of org.people) {
        const own = await adoption(`user:${person.name}`);
        memberSessions += own.sessions;
        memberLines += own.linesAdded;
        activeMembers += own.activeUsers;
      }
      expect(root.members).toBe(org.people.length);
      expect(root.sessions).toBe(memberSessions);
      expect(root.linesAdded).toBe(memberLines);
      expect(root.activeUsers).toBe(activeMembers);
      expect(root.adoptionRate).toBeCloseTo(activeMembers / org.people.length);
      expect(root.sources.map(s => s.source)).toEqual(['demo']);

      // The member table adds up to the group; the group tables repeat each group's own numbers.
      const members = await request(server).get(
        `/api/claude-code-analytics/v1/entities/group/default/acme/members?from=${range.from}&to=${range.to}`,
      );
      expect(members.body.items).toHaveLength(org.people.length);
      expect(
        members.body.items.reduce((s: number, m: any) => s + m.sessions, 0),
      ).toBe(root.sessions);
      const groups = await request(server).get(
        `/api/claude-code-analytics/v1/groups?from=${range.from}&to=${range.to}`,
      );
      const groupCount = org.entities.filter(e => e.kind === 'Group').length;
      expect(groups.body.items).toHaveLength(groupCount);
      const acme = groups.body.items.find(
        (g: any) => g.entityRef === 'group:default/acme',
      );
      expect(acme).toMatchObject({
        type: 'organization',
        sessions: root.sessions,
        activeUsers: root.activeUsers,
        members: root.members,
      });
      const children = await request(server).get(
        `/api/claude-code-analytics/v1/entities/group/default/acme/children?from=${range.from}&to=${range.to}`,
      );
      expect(children.body.items.map((g: any) => g.parentRef)).toEqual(
        groups.body.items
          .filter((g: any) => g.parentRef === 'group:default/acme')
          .map(() => 'group:default/acme'),
      );
      expect(children.body.items.length).toBeGreaterThanOrEqual(3);

      // Services get the usage attributed to their components; a system sums its components
      // (read from the facts: single components may be too small to be shown).
      const system = org.components[0].system;
      const systemAdoption = await adoption(`system:${system}`);
      const [{ sessions: componentSessions }] = await knex('usage_facts')
        .sum({ sessions: 'sessions' })
        .whereIn(
          'scope_ref',
          org.components
            .filter(c => c.system === system)
            .map(c => `component:default/${c.name}`),
        )
        .whereBetween('date', [range.from, range.to]);
      expect(systemAdoption.suppressed).toBe(false);
      expect(systemAdoption.sessions).toBe(Number(componentSessions));
      expect(systemAdoption.sessions).toBeGreaterThan(0);
      // The AI-assisted share of merged pull requests, from the generator's own records.
      const component = org.components[0];
      let merged = 0;
      let assisted = 0;
      for (const pr of generateDemoHistory(org, {
        seed: DEFAULT_DEMO_ORG_OPTIONS.seed,
        endDate,
        days: DAYS,
      }).pullRequests()) {
        const day = pr.mergedAt?.slice(0, 10);
        if (
          pr.repository === component.slug &&
          day &&
          day >= range.from &&
          day <= range.to
        ) {
          merged += 1;
          assisted += pr.aiAssisted ? 1 : 0;
        }
      }
      expect(merged).toBeGreaterThan(0);
      const componentAdoption = await adoption(`component:${component.name}`);
      expect(componentAdoption.aiAssistedPullRequestShare).toBeCloseTo(
        assisted / merged,
      );

      await knex.destroy();
    },
  );

  it('refuses bad input and unknown entities, and keeps individual usage private', async () => {
    const knex = await databases.init('SQLITE_3');
    const person = org.people[0];
    const { server } = await startTestBackend({
      features: [
        claudeCodeAnalyticsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: org.entities }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const url = (path: string) => `/api/claude-code-analytics/v1/${path}`;
    const own = `entities/user/default/${person.name}/adoption?from=2026-01-01&to=2026-01-31`;

    const bad = await request(server).get(
      url('entities/group/default/acme/adoption?from=2026-02-30&to=2026-03-01'),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
    expect(
      (
        await request(server).get(
          url(
            'entities/group/default/acme/adoption?from=2026-03-02&to=2026-03-01',
          ),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await request(server).get(
          url(
            'entities/api/default/acme/adoption?from=2026-03-01&to=2026-03-02',
          ),
        )
      ).status,
    ).toBe(400);

    const missing = await request(server).get(
      url(
        'entities/group/default/nobody/adoption?from=2026-03-01&to=2026-03-02',
      ),
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.name).toBe('NotFoundError');

    const other = await request(server)
      .get(url(own))
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/someone-else'),
      );
    expect(other.status).toBe(403);
    expect(other.body.error.name).toBe('NotAllowedError');

    const self = await request(server)
      .get(url(own))
      .set(
        'Authorization',
        mockCredentials.user.header(`user:default/${person.name}`),
      );
    expect(self.status).toBe(200);
    expect(self.body.entityRef).toBe(`user:default/${person.name}`);

    const members = await request(server).get(
      url('entities/group/default/acme/members?from=2026-01-01&to=2026-01-31'),
    );
    expect(members.status).toBe(403);

    const anonymous = await request(server)
      .get(url(own))
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    await knex.destroy();
  });
});
