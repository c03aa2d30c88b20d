// Constructors for the values a hook writes into ticket fields: the
// `field-input` variant of the WIT package.

// A value for a `text_field`, `text_area` or `manager` field.
export const text = (value) => ({ tag: 'text', val: String(value) });

// A URL for a `hyperlink` field.
export const hyperlink = (url) => ({ tag: 'hyperlink', val: String(url) });

// A checkbox state.
export const checkbox = (checked) => ({ tag: 'checkbox', val: Boolean(checked) });

// A `YYYY-MM-DD` date for a date field.
export const date = (value) => ({ tag: 'date', val: String(value) });

// An `HH:MM` time for a time field.
export const time = (value) => ({ tag: 'time', val: String(value) });

// A selection for a drop-down list. `option` must be one of its options.
export const dropDown = (option) => ({ tag: 'drop-down', val: String(option) });

// A selection for a multiple-selection field.
export const multipleSelection = (options) => ({
  tag: 'multiple-selection',
  val: Array.from(options, String),
});

// Values for a `multi_text_field`, `multi_text_area` or `multi_hyperlink` field.
export const multiText = (lines) => ({ tag: 'multi-text', val: Array.from(lines, String) });

// An approval for an approve/reject field.
export const approve = (reason) => ({
  tag: 'approve-reject',
  val: { approved: true, reason: String(reason) },
});

// A rejection for an approve/reject field.
export const reject = (reason) => ({
  tag: 'approve-reject',
  val: { approved: false, reason: String(reason) },
});
