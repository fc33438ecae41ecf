import { decodeOtlpRequest } from './decodeOtlpRequest';
import {
  capturedSessions,
  describeIfFixtures,
  readOtlpFixture,
} from './__testUtils__/otlpFixtures';
import {
  ClaudeCodeMetricPoint,
  readClaudeCodeMetrics,
} from './readClaudeCodeMetrics';
import { OtlpMetric, OtlpMetricsRequest } from './types';

function sumOf(
  points: ClaudeCodeMetricPoint[],
  metric: string,
  attributes: Record<string, string> = {},
): number {
  return points
    .filter(
      p =>
        p.metric === metric &&
        Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
    )
    .reduce((total, p) => total + p.value, 0);
}

function metricsRequest(metric: OtlpMetric): OtlpMetricsRequest {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'user.email', value: { stringValue: 'ada@example.com' } },
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'com.anthropic.claude_code' },
            metrics: [metric],
          },
        ],
      },
    ],
  };
}

const attribute = (key: string, stringValue: string) => ({
  key,
  value: { stringValue },
});

describeIfFixtures(
  'readClaudeCodeMetrics on captured Claude Code exports',
  () => {
    const read = (session: (typeof capturedSessions)[number]) =>
      readClaudeCodeMetrics(
        decodeOtlpRequest(
          'metrics',
          readOtlpFixture(session.metricsFile),
          session.contentType,
          undefined,
          {
            maxBytes: 1024 * 1024,
          },
        ),
      );

    describe.each(capturedSessions)('$user ($contentType)', session => {
      // Read in a hook, not while collecting: describe.skip still runs this callback.
      let points: ClaudeCodeMetricPoint[] = [];
      beforeAll(() => {
        points = read(session).points;
      });

      it('reads every data point', () => {
        const { rejected, rejectReasons } = read(session);
        expect(rejected).toBe(0);
        expect(rejectReasons).toEqual([]);
        expect(points).toHaveLength(11);
        expect(
          points.every(p => p.temporality === 'delta' && p.kind === 'sum'),
        ).toBe(true);
      });

      it('gives the session activity', () => {
        expect(sumOf(points, 'claude_code.session.count')).toBe(1);
        expect(
          sumOf(points, 'claude_code.lines_of_code.count', { type: 'added' }),
        ).toBe(4);
        expect(
          sumOf(points, 'claude_code.lines_of_code.count', { type: 'removed' }),
        ).toBe(0);
        expect(sumOf(points, 'claude_code.commit.count')).toBe(1);
        expect(
          sumOf(points, 'claude_code.code_edit_tool.decision', {
            tool_name: 'Write',
            decision: 'accept',
          }),
        ).toBe(1);
        expect(sumOf(points, 'claude_code.code_edit_tool.decision')).toBe(1);
      });

      it('gives tokens by type and the cost', () => {
        const tokens = (type: string) =>
          sumOf(points, 'claude_code.token.usage', { type });
        expect(tokens('input')).toBe(3600);
        expect(tokens('output')).toBe(126);
        expect(tokens('cacheRead')).toBe(15000);
        expect(tokens('cacheCreation')).toBe(900);
        expect(sumOf(points, 'claude_code.cost.usage')).toBeCloseTo(0.02442, 8);
      });

      it('merges resource attributes into each point', () => {
        for (const point of points) {
          expect(point.attributes).toMatchObject({
            'user.email': session.email,
            repo: session.repository,
            'service.name': 'claude-code',
            'anthropic.provider': 'firstParty',
            'anthropic.custom_base_url': 'true',
          });
          expect(point.attributes['session.id']).toMatch(/^[0-9a-f-]{36}$/);
          expect(point.timeUnixNano).toMatch(/^\d{19}$/);
          expect(BigInt(point.startTimeUnixNano)).toBeLessThanOrEqual(
            BigInt(point.timeUnixNano),
          );
        }
      });

      it('gives each series its own key', () => {
        const keys = points.map(p => p.seriesKey);
        expect(new Set(keys).size).toBe(points.length);
        expect(keys.every(key => /^[0-9a-f]{64}$/.test(key))).toBe(true);
      });
    });

    it('gives the same shape of output from JSON and from protobuf', () => {
      const shape = (points: ClaudeCodeMetricPoint[]) =>
        points
          .map(p => ({
            metric: p.metric,
            kind: p.kind,
            temporality: p.temporality,
            // Active time is measured, so it differs between the two runs.
            value:
              p.metric === 'claude_code.active_time.total'
                ? typeof p.value
                : p.value,
            attributeKeys: Object.keys(p.attributes).sort(),
            dataPointAttributes: Object.fromEntries(
              Object.entries(p.attributes).filter(
                ([key]) =>
                  !['user.email', 'repo', 'user.id', 'session.id'].includes(
                    key,
                  ),
              ),
            ),
          }))
          .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      const [ada, grace] = capturedSessions.map(
        session => read(session).points,
      );
      expect(shape(grace)).toEqual(shape(ada));
    });

    it('reads cumulative temporality', () => {
      const request: OtlpMetricsRequest = JSON.parse(
        readOtlpFixture('ada.metrics.json').toString(),
      );
      for (const metric of request.resourceMetrics[0].scopeMetrics?.[0]
        .metrics ?? []) {
        if (metric.name === 'claude_code.token.usage' && metric.sum) {
          metric.sum.aggregationTemporality = 2;
        }
      }
      const { points } = readClaudeCodeMetrics(request);
      const tokenPoints = points.filter(
        p => p.metric === 'claude_code.token.usage',
      );
      expect(tokenPoints).toHaveLength(4);
      expect(tokenPoints.every(p => p.temporality === 'cumulative')).toBe(true);
      expect(points.filter(p => p.temporality === 'delta')).toHaveLength(7);
    });
  },
);

describe('readClaudeCodeMetrics', () => {
  it('accepts values and times as strings or numbers', () => {
    const { points, rejected } = readClaudeCodeMetrics(
      metricsRequest({
        name: 'claude_code.token.usage',
        sum: {
          aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
          dataPoints: [
            {
              attributes: [attribute('type', 'input')],
              timeUnixNano: '1795609417682000000',
              asInt: '1200',
            },
            {
              attributes: [attribute('type', 'output')],
              timeUnixNano: 1795609417682000000,
              asInt: 42,
            },
            {
              attributes: [
                attribute('type', 'cacheRead'),
                { key: 'n', value: { intValue: 7 } },
              ],
              startTimeUnixNano: '1795609417000000000',
              timeUnixNano: '1795609417682000000',
              asDouble: '5000.5',
            },
          ],
        },
      }),
    );
    expect(rejected).toBe(0);
    expect(points.map(p => p.value)).toEqual([1200, 42, 5000.5]);
    expect(points.map(p => p.timeUnixNano)).toEqual([
      '1795609417682000000',
      '1795609417682000000',
      '1795609417682000000',
    ]);
    expect(points[0].startTimeUnixNano).toBe('1795609417682000000');
    expect(points[2].startTimeUnixNano).toBe('1795609417000000000');
    expect(points[2].attributes).toEqual({
      'user.email': 'ada@example.com',
      type: 'cacheRead',
      n: '7',
    });
    expect(points.every(p => p.temporality === 'cumulative')).toBe(true);
  });

  it('skips and counts malformed data points, keeping the others', () => {
    const { points, rejected, rejectReasons } = readClaudeCodeMetrics(
      metricsRequest({
        name: 'claude_code.commit.count',
        sum: {
          aggregationTemporality: 1,
          dataPoints: [
            { timeUnixNano: '1795609417682000000', asDouble: 1 },
            { timeUnixNano: '1795609417682000000' },
            { timeUnixNano: '1795609417682000000', asDouble: 'lots' },
            { timeUnixNano: '1795609417682000000', asDouble: 'NaN' },
            { asDouble: 1 },
            { timeUnixNano: 'yesterday', asDouble: 1 },
          ],
        },
      }),
    );
    expect(points).toHaveLength(1);
    expect(rejected).toBe(5);
    expect(rejectReasons).toEqual([
      'claude_code.commit.count: data point without a numeric asDouble or asInt',
      'claude_code.commit.count: data point without timeUnixNano',
    ]);
  });

  it('counts the points of a sum without temporality, and of unsupported kinds, as rejected', () => {
    const unspecified = readClaudeCodeMetrics(
      metricsRequest({
        name: 'claude_code.commit.count',
        sum: { dataPoints: [{ timeUnixNano: '1', asDouble: 1 }] },
      }),
    );
    expect(unspecified.rejected).toBe(1);
    const histogram = readClaudeCodeMetrics(
      metricsRequest({
        name: 'claude_code.latency',
        histogram: { dataPoints: [{}, {}] },
      }),
    );
    expect(histogram).toEqual({
      points: [],
      rejected: 2,
      rejectReasons: [
        'claude_code.latency: only sum and gauge metrics are read',
      ],
    });
  });

  it('reads gauges as current values', () => {
    const { points } = readClaudeCodeMetrics(
      metricsRequest({
        name: 'claude_code.queue.depth',
        gauge: {
          dataPoints: [{ timeUnixNano: '1795609417682000000', asInt: '3' }],
        },
      }),
    );
    expect(points).toMatchObject([
      { kind: 'gauge', temporality: 'cumulative', value: 3 },
    ]);
  });

  it('ignores metrics that are not Claude Code metrics', () => {
    expect(
      readClaudeCodeMetrics(
        metricsRequest({
          name: 'process.cpu.time',
          sum: { aggregationTemporality: 1, dataPoints: [{}] },
        }),
      ),
    ).toEqual({ points: [], rejected: 0, rejectReasons: [] });
  });

  it('keys a series by metric and attributes, whatever their order and the CLI version', () => {
    const keyOf = (attributes: Array<ReturnType<typeof attribute>>) =>
      readClaudeCodeMetrics(
        metricsRequest({
          name: 'claude_code.token.usage',
          sum: {
            aggregationTemporality: 1,
            dataPoints: [
              { attributes, timeUnixNano: '1795609417682000000', asDouble: 1 },
            ],
          },
        }),
      ).points[0].seriesKey;
    const base = keyOf([attribute('type', 'input'), attribute('model', 'm')]);
    expect(keyOf([attribute('model', 'm'), attribute('type', 'input')])).toBe(
      base,
    );
    expect(
      keyOf([
        attribute('model', 'm'),
        attribute('type', 'input'),
        attribute('service.version', '9'),
      ]),
    ).toBe(base);
    expect(
      keyOf([attribute('type', 'output'), attribute('model', 'm')]),
    ).not.toBe(base);
  });
});
