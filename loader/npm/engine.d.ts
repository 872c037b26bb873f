//! Types of Chatward's privacy engine (`chatward/engine`).

/** The kinds of personal data the engine knows. */
export type Category =
  | "EMAIL" | "PHONE" | "CREDIT_CARD" | "CARD_CVV" | "CARD_EXPIRY" | "IBAN" | "US_SSN"
  | "NATIONAL_ID" | "PASSPORT" | "IP_ADDRESS" | "DATE_OF_BIRTH" | "STREET_ADDRESS"
  | "PASSWORD" | "PERSON_NAME" | "AGE";

/** What a policy does about a category: send, warn first, mask the value, or refuse. */
export type Action = "allow" | "warn" | "mask" | "block";

/** One piece of personal data found: what and where, never the value itself. */
export interface Finding {
  category: Category;
  /** A finer kind where known: the card network (`"VISA"`), the ID scheme, the IBAN country. */
  subtype?: string;
  /** Start, as a JavaScript string index (`text.slice(start, end)` is the value). */
  start: number;
  /** End (exclusive), as a JavaScript string index. */
  end: number;
  confidence: "possible" | "likely" | "certain";
}

/** What a scan leaves alone. */
export interface ScanOptions {
  /** Values never reported: the shop's own public e-mail addresses and phone numbers. */
  allow?: string[];
}

/** What cleaning took out of an image. */
export interface Removed {
  gps: boolean;
  metadata: boolean;
  trailingData: boolean;
  hiddenPayload: boolean;
}

/** A genuine image: send `cleaned` (same pixels, no metadata) instead of the original. */
export interface UploadAllowed {
  verdict: "allow";
  format: "jpeg" | "png" | "gif" | "webp";
  mimeType: string;
  width: number;
  height: number;
  animated: boolean;
  cleaned: Uint8Array;
  removed: Removed;
}

/** A refused file. Show `message` to the customer. */
export interface UploadBlocked {
  verdict: "block";
  /** What the bytes look like (`"pe"`, `"zip"`, `"heic"`, `"unknown"`). */
  format: string;
  /** A stable code: `"executable"`, `"archive"`, `"too-large"`, `"hidden-payload"`, ... */
  reason: string;
  /** The sentence for the customer, with the way forward. */
  message: string;
  removed: Removed;
}

export type UploadVerdict = UploadAllowed | UploadBlocked;

export interface UploadOptions {
  /** The largest file accepted, in bytes (default 10 MB). */
  maxBytes?: number;
}

/** A shop's policy: an action per category; categories left out keep the careful defaults. */
export type Policy = Partial<Record<Category, Action>>;

/** The policy's answer for one draft. */
export interface Judgement {
  /** The strongest action over all findings (`"allow"` when there are none). */
  action: Action;
  findings: Array<Finding & { action: Action }>;
  /** The draft with masked and blocked values hidden (a card keeps its last four digits). */
  masked: string;
}

/** Loads the wasm once (optional: every function does). `source` overrides where it comes from. */
export function init(source?: URL | string | Response | BufferSource): Promise<void>;

/** Finds personal data in `text`. Never throws for any text. */
export function scan(text: string, options?: ScanOptions): Promise<Finding[]>;

/** Judges an upload: a genuine image is allowed with a cleaned copy, anything else blocked. */
export function checkUpload(
  file: Blob | ArrayBuffer | ArrayBufferView,
  options?: UploadOptions,
): Promise<UploadVerdict>;

/** Applies `policy` (default: the careful defaults) to a draft. Throws on an unknown category or action. */
export function judge(text: string, policy?: Policy, options?: ScanOptions): Promise<Judgement>;
