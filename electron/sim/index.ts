// The simulator room: the built-in booking service every rehearsal, test and benchmark runs against.
export { Simulator, startSimulator, type SimulatorOptions, type SimulatorStats } from './simulator';
export {
  parseScenario,
  loadScenarioFile,
  scenarioFromObject,
  accountUsername,
  accountPassword,
  type Scenario,
  type ScenarioInput,
} from './scenario';
export { ManualTrueClock, systemTrueClock, type TrueClock } from './sim-clock';
export type { Arrival } from './arrival-log';
export { SimService } from './sim-service';
