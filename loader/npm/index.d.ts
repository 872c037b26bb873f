//! Types of the Chatward loader: `mount` draws the launcher and opens the chat pane (served
//! by your relay, or self-hosted from `chatward/pane/`) in an iframe.

/** What the customer may be told to do with a category of personal data. */
export type PolicyAction = "allow" | "warn" | "mask" | "block";

/**
 * Settings, named as the script tag's `data-*` attributes without `data-`. Values are
 * strings (as in HTML); a bad value gives one console warning and the default.
 */
export interface MountOptions {
  /** The relay's origin, e.g. `"https://chat.example.com"` (https, or http on localhost). */
  server: string;
  /** The shop's id at the relay (default `"demo"`). */
  shop?: string;
  /** The pane's title (default `"Chat with us"`). */
  title?: string;
  /** The first line the customer reads. */
  greeting?: string;
  /** The launcher's colour, `#rrggbb`. */
  color?: string;
  /** Which corner the launcher sits in. */
  position?: "left" | "right";
  /** The pane's colours. */
  theme?: "light" | "dark" | "auto";
  /** The pane's language (default: the browser's). */
  lang?: string;
  /** The shop's privacy statement. */
  "privacy-url"?: string;
  /** The version of that statement the customer consents to. */
  "privacy-version"?: string;
  /** The operator shown in the pane. */
  "operator-name"?: string;
  /** The operator's photo: an https URL or a `data:image/...;base64,` URL. */
  "operator-photo"?: string;
  /** The address the customer may write to instead. */
  "operator-email"?: string;
  /** The shop's social profiles, space- or comma-separated URLs. */
  social?: string;
  /** `"true"` opens the pane at once. */
  open?: "true" | "false";
  /** The largest picture the customer may attach, in MB (up to 50). */
  "max-upload-mb"?: string;
  /** A stricter policy for one category, e.g. `"policy-iban": "block"`. */
  [policy: `policy-${string}`]: PolicyAction | undefined;
}

/**
 * The events the widget tells you about: the pane shown or hidden, the customer's
 * acceptance recorded by the relay, the operator's answer arrived. Listeners get no
 * arguments: the page never learns what was written.
 */
export type WidgetEvent = "open" | "close" | "message" | "consent";

/** The mounted widget. */
export interface Widget {
  /** Opens the pane (loading it the first time). */
  open(): void;
  /** Hides the pane; the conversation stays. */
  close(): void;
  /** Opens or closes the pane. */
  toggle(): void;
  /** Removes the launcher and the pane from the page. */
  destroy(): void;
  /** Calls `listener` on every `event`; returns the widget for chaining. */
  on(event: WidgetEvent, listener: () => void): Widget;
}

/**
 * Mounts the launcher inside `container` (default: the page's body) and returns its API,
 * or `null` (with a console warning) when `options.server` is not a usable URL.
 */
export function mount(options: MountOptions, container?: Element): Widget | null;
