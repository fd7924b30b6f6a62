// metadata and label selectors, validated as the API server does for every
// kind (apimachinery ValidateObjectMeta, ValidateLabelSelector).
import type { LabelSelector, ObjectMeta } from '../../model/meta.ts';
import type { Assert, Infer, Same, Schema } from './dsl.ts';
import { int, list, obj, oneOf, record, req, str } from './dsl.ts';
import { DATE_TIME, DNS1035_LABEL, DNS_LABEL, DNS_SUBDOMAIN, LABEL_VALUE, qualifiedNameProblem } from './patterns.ts';

/** How a kind's metadata.name is checked (Kubernetes differs per kind). */
export type NameFormat = 'subdomain' | 'label' | 'dns1035';

const nameSchemas = {
  subdomain: str({ min: 1, max: 253, pattern: DNS_SUBDOMAIN }),
  label: str({ min: 1, max: 63, pattern: DNS_LABEL }),
  dns1035: str({ min: 1, max: 63, pattern: DNS1035_LABEL }),
} as const satisfies Record<NameFormat, Schema<string>>;

export const labelValue = str({ max: 63, pattern: LABEL_VALUE });

export const labels = record(labelValue, { key: qualifiedNameProblem });

const TOTAL_ANNOTATION_BYTES = 256 * 1024;

const annotations = record(str(), { key: qualifiedNameProblem });

/** metadata.annotations: also limited to 256 KiB in total, as in Kubernetes. */
const boundedAnnotations: Schema<Record<string, string>> = {
  expects: annotations.expects,
  check(value, ctx) {
    if (!annotations.check(value, ctx)) return false;
    let size = 0;
    for (const [key, text] of Object.entries(value as Record<string, string>)) size += key.length + text.length;
    if (size <= TOTAL_ANNOTATION_BYTES) return true;
    ctx.error(`annotations must be at most ${TOTAL_ANNOTATION_BYTES} bytes in total (are ${size})`);
    return false;
  },
};

// Fields of ObjectMeta that Portico does not read: kept as written.
const UNREAD_METADATA = ['generateName', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences', 'finalizers', 'managedFields'];

function metadataSchema(nameFormat: NameFormat) {
  return obj(
    {
      name: req(nameSchemas[nameFormat]),
      namespace: nameSchemas.label,
      labels,
      annotations: boundedAnnotations,
      generation: int({ min: 0 }),
      creationTimestamp: str({ pattern: DATE_TIME }),
      uid: str(),
      resourceVersion: str(),
    },
    { passthrough: UNREAD_METADATA },
  );
}

export const metadata = {
  subdomain: metadataSchema('subdomain'),
  label: metadataSchema('label'),
  dns1035: metadataSchema('dns1035'),
} as const;

export type MetadataMatchesModel = Assert<Same<Infer<typeof metadata.subdomain>, ObjectMeta>>;

export const labelSelector = obj({
  matchLabels: labels,
  matchExpressions: list(
    obj(
      {
        key: req(str({ min: 1, test: qualifiedNameProblem })),
        operator: req(oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist'])),
        values: list(str()),
      },
      {
        rules: [
          {
            message: 'values must not be empty when operator is In or NotIn',
            valid: (r) => !(r.operator === 'In' || r.operator === 'NotIn') || (r.values ?? []).length > 0,
            at: () => ['values'],
          },
          {
            message: 'values must be empty when operator is Exists or DoesNotExist',
            valid: (r) => !(r.operator === 'Exists' || r.operator === 'DoesNotExist') || (r.values ?? []).length === 0,
            at: () => ['values'],
          },
        ],
      },
    ),
  ),
});

export type LabelSelectorMatchesModel = Assert<Same<Infer<typeof labelSelector>, LabelSelector>>;
