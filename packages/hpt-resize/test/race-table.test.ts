import { counterexampleOf, renderRaceTable } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { hptResize } from '../src/index.js';
import { FAULT_PATH, FAULT_PATH_AFTER_PIVOT, FAULT_PATH_MIN, FAULT_VS_RESIZE, GUEST_ENTRY_MIN, GUEST_ENTRY_PATH, KICKED_AND_REENTERS, RUN_VS_RESIZE } from './schedules.js';

const table = (scenario: typeof FAULT_VS_RESIZE, schedule: readonly number[]) =>
  renderRaceTable('hpt-resize', 'buggy', counterexampleOf(hptResize, [], scenario, schedule, 'replay'));

describe('race tables of the buggy variant', () => {
  it('fault path, fewest preemptions: the fault starts after the rehash dropped its entry', () => {
    expect(table(FAULT_VS_RESIZE, FAULT_PATH_MIN)).toMatchSnapshot();
  });
  it('guest-entry path, fewest preemptions: the vCPU enters after the rehash started', () => {
    expect(table(RUN_VS_RESIZE, GUEST_ENTRY_MIN)).toMatchSnapshot();
  });
  it('fault path: the HPTE becomes VALID after the rehash dropped it', () => {
    expect(table(FAULT_VS_RESIZE, FAULT_PATH)).toMatchSnapshot();
  });
  it('fault path, pivot first: kvmppc_add_revmap_chain out of bounds', () => {
    expect(table(FAULT_VS_RESIZE, FAULT_PATH_AFTER_PIVOT)).toMatchSnapshot();
  });
  it('guest-entry path: a vCPU in the guest during the rehash', () => {
    expect(table(RUN_VS_RESIZE, GUEST_ENTRY_PATH)).toMatchSnapshot();
  });
  it('guest-entry path, as in the commit message: kicked out, re-enters without rechecking', () => {
    expect(table(RUN_VS_RESIZE, KICKED_AND_REENTERS)).toMatchSnapshot();
  });
});
