/**
 * Why a stored delivery summary or duration sketch was refused when read back: it is not in the
 * format that `serializeDeliverySummary` and `DurationSketch.toJSON` write.
 *
 * @public
 */
export class DeliverySummaryFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliverySummaryFormatError';
  }
}
