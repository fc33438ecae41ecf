import { MenuItem, TextField } from '@material-ui/core';
import { EntitySummary } from 'backstage-plugin-claude-code-analytics-common';
import { useMemo, useState } from 'react';
import { csvFileName, DataTable } from '../DataTable';
import { entitySummaryColumns, summaryName } from '../EntitySummaryTable';

const ALL_TYPES = '';

function rowKey(summary: EntitySummary): string {
  return summary.entityRef;
}

/** Props of {@link GroupsTable}. */
export type GroupsTableProps = {
  groups: readonly EntitySummary[];
  range: { from: string; to: string };
};

/** Every group side by side, sortable by any column, filtered by name and group type. */
export function GroupsTable(props: GroupsTableProps) {
  const { groups, range } = props;
  const [text, setText] = useState('');
  const [type, setType] = useState(ALL_TYPES);
  const columns = useMemo(
    () => entitySummaryColumns({ nameTitle: 'Group', withType: true }),
    [],
  );
  const types = useMemo(
    () =>
      [
        ...new Set(groups.flatMap(group => (group.type ? [group.type] : []))),
      ].sort(),
    [groups],
  );
  const rows = useMemo(() => {
    const needle = text.trim().toLocaleLowerCase('en-US');
    return groups.filter(
      group =>
        (type === ALL_TYPES || group.type === type) &&
        (needle === '' ||
          `${summaryName(group)} ${group.entityRef}`
            .toLocaleLowerCase('en-US')
            .includes(needle)),
    );
  }, [groups, text, type]);

  return (
    <DataTable
      title="Groups"
      fileName={csvFileName('claude-code-groups', range)}
      rows={rows}
      columns={columns}
      rowKey={rowKey}
      initialSort={{ columnId: 'adoptionRate', direction: 'desc' }}
      emptyMessage="No group matches the filter."
      toolbar={
        <>
          <TextField
            id="claude-code-groups-filter"
            label="Filter groups"
            size="small"
            variant="outlined"
            value={text}
            onChange={event => setText(event.target.value)}
          />
          <TextField
            select
            id="claude-code-groups-type"
            label="Group type"
            size="small"
            variant="outlined"
            value={type}
            onChange={event => setType(event.target.value)}
            style={{ minWidth: 160 }}
          >
            <MenuItem value={ALL_TYPES}>All types</MenuItem>
            {types.map(groupType => (
              <MenuItem key={groupType} value={groupType}>
                {groupType}
              </MenuItem>
            ))}
          </TextField>
        </>
      }
    />
  );
}
