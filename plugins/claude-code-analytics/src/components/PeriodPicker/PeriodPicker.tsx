import {
  Box,
  Button,
  makeStyles,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert, ToggleButton, ToggleButtonGroup } from '@material-ui/lab';
import { FormEvent, useEffect, useState } from 'react';
import { lastFullUtcDays } from '../lastFullUtcDays';
import { validatePeriod } from './validatePeriod';

/** The preset lengths of the picker, in full UTC days ending yesterday. */
export const PERIOD_PRESETS = [7, 30, 90, 365] as const;

const CUSTOM = 'custom';

/** Props of {@link PeriodPicker}. */
export type PeriodPickerProps = {
  range: { from: string; to: string };
  onChange: (range: { from: string; to: string }) => void;
  /** Why the period of the URL was not used; shown above the picker. */
  error?: string;
};

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
  },
  custom: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
  },
  apply: {
    marginTop: theme.spacing(0.5),
  },
}));

function presetOf(range: { from: string; to: string }): number | undefined {
  return PERIOD_PRESETS.find(days => {
    const preset = lastFullUtcDays(days);
    return preset.from === range.from && preset.to === range.to;
  });
}

/**
 * Picks the period of a page: the last 7, 30, 90 or 365 full UTC days, or a custom range of UTC
 * days that is validated before it is applied.
 */
export function PeriodPicker(props: PeriodPickerProps) {
  const { range, onChange, error } = props;
  const classes = useStyles();
  const preset = presetOf(range);
  const [customOpen, setCustomOpen] = useState(preset === undefined);
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const [customError, setCustomError] = useState<string>();

  useEffect(() => {
    setFrom(range.from);
    setTo(range.to);
  }, [range.from, range.to]);

  const selected = customOpen || preset === undefined ? CUSTOM : String(preset);

  const choose = (_event: unknown, value: string | null) => {
    if (value === null) {
      return;
    }
    if (value === CUSTOM) {
      setCustomOpen(true);
      return;
    }
    setCustomOpen(false);
    setCustomError(undefined);
    const { from: presetFrom, to: presetTo } = lastFullUtcDays(Number(value));
    onChange({ from: presetFrom, to: presetTo });
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const validation = validatePeriod(from, to);
    if (validation.error !== undefined) {
      setCustomError(validation.error);
      return;
    }
    setCustomError(undefined);
    onChange({ from: validation.range.from, to: validation.range.to });
  };

  return (
    <Box display="flex" flexDirection="column" gridGap={8}>
      {error && (
        <Alert severity="warning">
          The period in the link was not used ({error}); showing {range.from} to{' '}
          {range.to}.
        </Alert>
      )}
      <div className={classes.root}>
        <ToggleButtonGroup
          value={selected}
          exclusive
          onChange={choose}
          size="small"
          aria-label="Period"
        >
          {PERIOD_PRESETS.map(days => (
            <ToggleButton
              key={days}
              value={String(days)}
              aria-label={`Last ${days} days`}
            >
              {days} days
            </ToggleButton>
          ))}
          <ToggleButton value={CUSTOM} aria-label="Custom range">
            Custom
          </ToggleButton>
        </ToggleButtonGroup>
        {selected === CUSTOM && (
          <form
            className={classes.custom}
            onSubmit={apply}
            aria-label="Custom period"
            noValidate
          >
            <TextField
              id="claude-code-period-from"
              label="From"
              type="date"
              size="small"
              variant="outlined"
              value={from}
              onChange={event => setFrom(event.target.value)}
              InputLabelProps={{ shrink: true }}
              error={customError !== undefined}
            />
            <TextField
              id="claude-code-period-to"
              label="To"
              type="date"
              size="small"
              variant="outlined"
              value={to}
              onChange={event => setTo(event.target.value)}
              InputLabelProps={{ shrink: true }}
              error={customError !== undefined}
              helperText={customError}
              FormHelperTextProps={{ role: 'alert' }}
            />
            <Button
              type="submit"
              variant="outlined"
              color="primary"
              className={classes.apply}
            >
              Apply
            </Button>
          </form>
        )}
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ alignSelf: 'center' }}
        >
          {range.from} to {range.to} (UTC)
        </Typography>
      </div>
    </Box>
  );
}
