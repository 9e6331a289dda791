import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { it } from 'vitest';

it('loads', () => {
  console.log(typeof Deployment, typeof ScaledObject, new Deployment({ metadata: { name: 'x' } }).apiVersion);
});
