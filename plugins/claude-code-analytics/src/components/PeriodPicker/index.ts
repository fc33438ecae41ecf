export {
  PeriodPicker,
  PERIOD_PRESETS,
  type PeriodPickerProps,
} from './PeriodPicker';
export { usePeriod, type Period } from './usePeriod';
export { validatePeriod, type PeriodValidation } from './validatePeriod';
