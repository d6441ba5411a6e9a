// The shipped simulator profile, and sign-in through it, for tests.
import { readFileSync } from 'node:fs';
import { parseProfile, ProfileSignIn, type TargetProfile } from '../../electron/targets';

export const SIMULATOR_PROFILE_FILE = 'resources/profiles/simulator.yaml';
export const simulatorProfileText = (): string => readFileSync(SIMULATOR_PROFILE_FILE, 'utf8');
export const simulatorProfile = (): TargetProfile => parseProfile(simulatorProfileText(), SIMULATOR_PROFILE_FILE);
export const simulatorSignIn = (baseUrl: () => string): ProfileSignIn => new ProfileSignIn(simulatorProfile(), baseUrl);
