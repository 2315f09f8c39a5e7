// The Node-only entries a stranger's server code would use, type-checked under node16.
import { FileSecretsStore, serve, type ServeOptions } from '@didcomm-ts/core/node';
import { startMediator, type MediatorConfig, type RunningMediator } from '@didcomm-ts/mediator';
import { run } from '@didcomm-ts/cli';
import { roundTrip, type RoundTrip } from './consumer.js';

export type Entries = [ServeOptions, MediatorConfig, RunningMediator, RoundTrip];
export const entries = { FileSecretsStore, serve, startMediator, run, roundTrip };
export const exitCode: Promise<number> = run(['node', 'didcomm', '--version']);
